// Fields every record form binds the same way, by name: the note (with what the
// personal-data hint reads) and a date. Labels come from `fields.<name>` in the
// workflow's namespace, errors from the shared schema's messages.
import { useFormState, useWatch, type FieldValues, type Path, type UseFormRegisterReturn, type UseFormReturn } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { useSchemaMessages, type WorkflowNamespace } from './schema-messages';

export interface NoteBinding {
  /** Id of the textarea (its hint is `<id>-hint`). */
  id: string;
  maxLength: number;
  field: UseFormRegisterReturn;
  /** The text as typed, for the personal-data hint. */
  text: string;
  error: string | null;
}

/** The form's `note` field, as the record form shell renders it. */
export function useNoteBinding<V extends FieldValues & { note?: string | undefined }>(
  form: UseFormReturn<V>,
  ns: WorkflowNamespace,
  id: string,
  maxLength: number,
): NoteBinding {
  const name = 'note' as Path<V>;
  const text: unknown = useWatch({ control: form.control, name });
  const { errors } = useFormState({ control: form.control, name });
  const errorText = useSchemaMessages(ns);
  return { id, maxLength, field: form.register(name), text: typeof text === 'string' ? text : '', error: errorText(errors[name]) };
}

export function DateField<V extends FieldValues>({
  form,
  ns,
  name,
  id,
}: {
  form: UseFormReturn<V>;
  ns: WorkflowNamespace;
  name: Path<V>;
  id: string;
}) {
  const { t: typed } = useTranslation(ns);
  // The namespace and the key are chosen at run time; every workflow namespace has `fields.<name>`.
  const t = typed as unknown as (key: string) => string;
  const errorText = useSchemaMessages(ns);
  const { errors } = useFormState({ control: form.control, name });
  const error = errorText(errors[name]);
  return (
    <div className="field">
      <label htmlFor={id}>{t(`fields.${name}`)}</label>
      <input id={id} type="date" {...form.register(name)} />
      {error !== null && <p className="field__error">{error}</p>}
    </div>
  );
}
