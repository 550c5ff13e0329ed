// The admin's emergency-instruction fields as text (one number per line,
// "Bezeichnung | Nummer", first line = first button) and back, checked with
// the shared schema so the office says what is wrong before the server would.
import { emergencyInstructionSettingsSchema, type EmergencyInstructionSettings } from '@shared/emergency-instruction';

export interface EmergencyFormText {
  title: string;
  intro: string;
  discreet: boolean;
  discreetTitle: string;
  /** One number per line: "label | phone". */
  contacts: string;
}

export type EmergencyFormError =
  | { field: 'title' | 'intro' | 'discreetTitle'; key: 'tooLong'; max: number }
  | { field: 'contacts'; key: 'lineFormat' | 'invalidPhone' | 'labelTooLong'; line: number }
  | { field: 'contacts'; key: 'atLeastOneNumber' | 'tooMany' | 'duplicateItem' };

export function emergencyToText(settings: EmergencyInstructionSettings | undefined): EmergencyFormText {
  return {
    title: settings?.title ?? '',
    intro: settings?.intro ?? '',
    discreet: settings?.discreet ?? false,
    discreetTitle: settings?.discreetTitle ?? '',
    contacts: (settings?.contacts ?? []).map((contact) => `${contact.label} | ${contact.phone}`).join('\n'),
  };
}

const LIMITS = { title: 120, intro: 500, discreetTitle: 80 } as const;

/** The settings to send, or the first problem found (empty texts mean the built-in wording). */
export function emergencyFromText(
  text: EmergencyFormText,
): { ok: true; value: EmergencyInstructionSettings } | { ok: false; error: EmergencyFormError } {
  for (const field of ['title', 'intro', 'discreetTitle'] as const) {
    if (text[field].trim().length > LIMITS[field]) return { ok: false, error: { field, key: 'tooLong', max: LIMITS[field] } };
  }
  const contacts: EmergencyInstructionSettings['contacts'] = [];
  for (const [index, raw] of text.contacts.split('\n').entries()) {
    const line = raw.trim();
    if (line === '') continue;
    // The last "|" separates: a label may itself contain one, a number never does.
    const cut = line.lastIndexOf('|');
    const label = cut < 0 ? '' : line.slice(0, cut).trim();
    const phone = cut < 0 ? '' : line.slice(cut + 1).trim();
    if (label === '' || phone === '') return { ok: false, error: { field: 'contacts', key: 'lineFormat', line: index + 1 } };
    const parsed = emergencyInstructionSettingsSchema.shape.contacts.element.safeParse({ label, phone });
    if (!parsed.success) {
      const labelProblem = parsed.error.issues.some((issue) => issue.path[0] === 'label');
      return { ok: false, error: { field: 'contacts', key: labelProblem ? 'labelTooLong' : 'invalidPhone', line: index + 1 } };
    }
    contacts.push(parsed.data);
  }
  const orNull = (value: string) => (value.trim() === '' ? null : value.trim());
  const parsed = emergencyInstructionSettingsSchema.safeParse({
    title: orNull(text.title),
    intro: orNull(text.intro),
    discreet: text.discreet,
    discreetTitle: orNull(text.discreetTitle),
    contacts,
  });
  if (parsed.success) return { ok: true, value: parsed.data };
  const message = parsed.error.issues[0]?.message;
  const key = message === 'tooMany' || message === 'duplicateItem' ? message : 'atLeastOneNumber';
  return { ok: false, error: { field: 'contacts', key } };
}
