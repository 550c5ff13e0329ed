// The record form lifecycle for a form whose values live in react-hook-form,
// validated with the record kind's shared zod schema (the one the server uses).
import { useCallback, useEffect, useMemo } from 'react';
import { useForm, type DefaultValues, type FieldValues, type UseFormReturn } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import type { z } from 'zod';
import type { WorkflowContent, WorkflowFormProps, WorkflowKind, WorkflowRecord, Workflow } from '../features/workflows/registry';
import { useRecordForm, valuesDraft, type DraftCodec, type RecordForm } from './useRecordForm';

export interface RhfRecordFormOptions<K extends WorkflowKind, V extends FieldValues> {
  workflow: Workflow<K>;
  props: WorkflowFormProps<K>;
  /** The content schema; its keys are what a draft may carry. */
  schema: z.ZodObject;
  /** A fresh form's values (memoise it; it may read the cached configuration). */
  defaults: () => DefaultValues<V>;
  /** The form's values for a record being corrected. */
  fromRecord: (record: WorkflowRecord<K>) => DefaultValues<V>;
  /** The content to save from valid values (e.g. an empty note left out). */
  toContent: (values: V) => WorkflowContent<K>;
  /** False while `defaults` still waits for the cached configuration. */
  ready?: boolean;
  /** How the draft is stored; the values alone unless given. */
  draft?: DraftCodec<Partial<V>>;
  /** After a draft was applied (e.g. to show the part of the form it belongs to). */
  onRestored?: () => void;
}

export function useRhfRecordForm<K extends WorkflowKind, V extends FieldValues>(
  options: RhfRecordFormOptions<K, V>,
): { values: UseFormReturn<V>; form: RecordForm<K>; onSubmit: ReturnType<UseFormReturn<V>['handleSubmit']> } {
  const { workflow, props, schema, defaults, fromRecord, toContent, ready = true, onRestored } = options;
  const values = useForm<V>({
    // The resolver's input and output types are the schema's; V is what the fields hold while typing.
    resolver: zodResolver(schema as unknown as z.ZodType<V, V>),
    defaultValues: defaults(),
  });
  const { reset, getValues, subscribe, handleSubmit } = values;
  const given = options.draft;
  const draft = useMemo(() => given ?? valuesDraft<V>(Object.keys(schema.shape)), [given, schema]);

  const form = useRecordForm<K, Partial<V>>({
    workflow,
    onDone: props.onDone,
    caseNumber: props.caseNumber,
    correction: props.correction,
    draft,
    values: getValues,
    ready,
    apply: useCallback(
      (start) => {
        if (start.from === 'draft') {
          // A draft's values over today's defaults (keys a draft lacks keep their default).
          reset(Object.assign({}, defaults(), start.values));
          onRestored?.();
        } else reset(start.from === 'correction' ? fromRecord(start.record) : defaults());
      },
      [reset, defaults, fromRecord, onRestored],
    ),
  });

  const { changed } = form;
  useEffect(() => subscribe({ formState: { values: true }, callback: changed }), [subscribe, changed]);

  const { save } = form;
  const onSubmit = handleSubmit(async (valid) => {
    await save(toContent(valid) as Parameters<typeof save>[0]);
  });
  return { values, form, onSubmit };
}
