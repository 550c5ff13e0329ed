// Keeps a react-hook-form form's draft: restores it once when the form is ready,
// then autosaves every change (debounced) and flushes it before an app update reloads.
import { useEffect, useState } from 'react';
import type { FieldValues, UseFormReturn } from 'react-hook-form';
import { useAppServices } from '../app/AppContext';
import { DraftAutosave } from './DraftAutosave';

interface FormDraftOptions<T extends FieldValues> {
  draftId: string;
  form: Pick<UseFormReturn<T>, 'subscribe' | 'getValues'>;
  /** Applies the stored draft (or `undefined`) to the form; returns whether a draft was restored. Memoise it. */
  apply: (draft: unknown) => boolean;
  /** False while what `apply` needs (e.g. the cached configuration) is still loading. */
  ready?: boolean;
  /** What is stored as the draft; the form's values unless given. Memoise it. */
  snapshot?: () => unknown;
}

export function useFormDraft<T extends FieldValues>({ draftId, form, apply, ready = true, snapshot }: FormDraftOptions<T>): {
  autosave: DraftAutosave;
  started: boolean;
  restored: boolean;
} {
  const { storage } = useAppServices();
  const [autosave] = useState(() => new DraftAutosave(storage.drafts, draftId));
  const [started, setStarted] = useState(false);
  const [restored, setRestored] = useState(false);
  const { subscribe, getValues } = form;
  const values = snapshot ?? getValues;

  // Restore a draft once, after what `apply` needs has been read.
  useEffect(() => {
    if (!ready || started) return;
    let alive = true;
    void autosave.restore().then((draft) => {
      if (!alive) return;
      if (apply(draft)) setRestored(true);
      setStarted(true);
    });
    return () => {
      alive = false;
    };
  }, [autosave, ready, started, apply]);

  // Autosave on every change, and at once before an app update reloads.
  useEffect(() => {
    const unsubscribe = subscribe({
      formState: { values: true },
      callback: () => {
        autosave.schedule(values);
      },
    });
    const unguard = autosave.guard(values);
    return () => {
      unsubscribe();
      unguard();
      autosave.dispose();
    };
  }, [autosave, subscribe, values]);

  return { autosave, started, restored };
}
