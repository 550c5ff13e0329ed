// One choice-chip field of a workflow form, bound by its name: the legend is
// `fields.<name>`, each chip `<name>.<value>`, and the error the schema's message,
// all in the workflow's namespace — so a field list says only what differs.
import type { FieldValues, Path, UseFormReturn } from 'react-hook-form';
import { useFormState } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { ChoiceChips } from './ChoiceChips';
import { chipOptions } from './chip-options';
import { useSchemaMessages, type WorkflowNamespace } from './schema-messages';

export function ChipsField<V extends FieldValues>({
  form,
  ns,
  name,
  type,
  values,
}: {
  form: UseFormReturn<V>;
  ns: WorkflowNamespace;
  name: Path<V>;
  type: 'radio' | 'checkbox';
  /** The stored values, in the order shown. */
  values: readonly string[];
}) {
  const { t: typed } = useTranslation(ns);
  // The namespace and the key are chosen at run time; every workflow namespace has `fields.<name>` and `<name>.<value>`.
  const t = typed as unknown as (key: string) => string;
  const errorText = useSchemaMessages(ns);
  const { errors } = useFormState({ control: form.control, name });
  return (
    <ChoiceChips
      legend={t(`fields.${name}`)}
      type={type}
      options={chipOptions(values, (value) => t(`${name}.${value}`))}
      field={form.register(name)}
      error={errorText(errors[name])}
    />
  );
}
