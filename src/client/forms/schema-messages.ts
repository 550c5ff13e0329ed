// The one map from the shared schemas' message keys to a form's error text.
// Every workflow namespace holds its texts under `errors.<key>`; a key it has
// no text for (or one a newer schema invented) reads "please choose".
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';

/** Message keys the shared content schemas produce (src/shared/records). */
export const SCHEMA_MESSAGES = [
  'invalidSiteId',
  'invalidDate',
  'invalidWeek',
  'invalidChoice',
  'languagesRequired',
  'topicsRequired',
  'duplicateTopic',
  'duplicateItem',
  'followUpDateWithoutWish',
  'noteTooLong',
  'unknownOffer',
  'duplicateOffer',
] as const;
export type SchemaMessage = (typeof SCHEMA_MESSAGES)[number];

export type WorkflowNamespace = 'home-contact' | 'mediation' | 'welcome-visit' | 'screening';

function isSchemaMessage(key: string): key is SchemaMessage {
  return (SCHEMA_MESSAGES as readonly string[]).includes(key);
}

/** The first message in a field's error, wherever react-hook-form put it (field, array root, element). */
export function messageOf(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const { message, root } = error as { message?: unknown; root?: unknown };
  if (typeof message === 'string') return message;
  const fromRoot = messageOf(root);
  if (fromRoot !== undefined) return fromRoot;
  if (Array.isArray(error)) {
    for (const item of error) {
      const found = messageOf(item);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** `errorText(fieldError)`: the translated text of a field's schema error in `ns`, or null when there is none. */
export function useSchemaMessages(ns: WorkflowNamespace): (error: unknown) => string | null {
  const { t, i18n } = useTranslation(ns);
  // The namespace is chosen at run time, so the key is checked here rather than by the compiler.
  const text = t as unknown as (key: string) => string;
  return useCallback(
    (error: unknown): string | null => {
      const key = messageOf(error);
      if (key === undefined) return null;
      const known = isSchemaMessage(key) && i18n.exists(`errors.${key}`, { ns });
      return text(`errors.${known ? key : 'invalidChoice'}`);
    },
    [text, i18n, ns],
  );
}
