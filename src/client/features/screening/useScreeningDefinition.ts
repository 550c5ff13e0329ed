// The questionnaire definition a stored screening was scored with, if this
// tablet has it: the municipality's last good definition or the built-in
// default, matched by id, version AND hash (a version's content is immutable,
// the hash proves it). Without it the answers cannot be explained here, and the
// screen says so instead of guessing with other rules.
import { useEffect, useState } from 'react';
import type { QuestionnaireDefinition } from '@domain/questionnaire';
import { contentHash } from '@shared/content-hash';
import type { ScreeningContent } from '@shared/records/screening';
import { useAppServices } from '../../app/AppContext';
import { useStoredValue } from '../../app/useStoredValue';
import { DEFAULT_SCREENING } from './definition';

export type ScreeningDefinitionLookup =
  { state: 'loading' } | { state: 'found'; definition: QuestionnaireDefinition } | { state: 'unknown' };

export function useScreeningDefinition(
  content: Pick<ScreeningContent, 'definitionId' | 'definitionVersion' | 'definitionHash'>,
): ScreeningDefinitionLookup {
  const { storage } = useAppServices();
  const current = useStoredValue(storage, (s) => s.questionnaires.current(DEFAULT_SCREENING));
  const [lookup, setLookup] = useState<ScreeningDefinitionLookup>({ state: 'loading' });
  const { definitionId, definitionVersion, definitionHash } = content;

  useEffect(() => {
    if (current === undefined) return;
    const screen = { open: true };
    const candidates = [current.loaded, DEFAULT_SCREENING].flatMap((loaded) =>
      loaded.ok && loaded.definition.id === definitionId && loaded.definition.version === definitionVersion ? [loaded.definition] : [],
    );
    void (async () => {
      for (const definition of candidates) {
        if ((await contentHash(definition)) === definitionHash) {
          if (screen.open) setLookup({ state: 'found', definition });
          return;
        }
      }
      if (screen.open) setLookup({ state: 'unknown' });
    })();
    return () => {
      screen.open = false;
    };
  }, [current, definitionId, definitionVersion, definitionHash]);
  return lookup;
}
