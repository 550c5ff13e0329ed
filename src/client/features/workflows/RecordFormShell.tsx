// The frame of every workflow form around its own fields: title, correction
// notice or intro, "draft restored", the case (looked up, or linked when the
// record may be anonymous), the district when the registry asks for it, the
// note with the personal-data hint, and save/cancel with the save problem.
import { useEffect, useRef, type ComponentProps, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { NoteBinding } from '../../forms/record-fields';
import { FormActions } from '../../forms/FormActions';
import { PersonalDataHint } from '../../forms/PersonalDataHint';
import { TextLimit } from '../../forms/TextLimit';
import type { WorkflowNamespace } from '../../forms/schema-messages';
import type { RecordForm } from '../../forms/useRecordForm';
import { CaseLink, type CaseLinkProblem } from '../case-lookup/CaseLink';
import { CaseNumberInput } from '../case-lookup/CaseNumberInput';
import { CaseRefusalNotice } from '../case-lookup/CaseRefusalNotice';
import { DistrictField } from '../district/DistrictField';
import { CorrectionNotice } from '../records/CorrectionNotice';
import type { WorkflowKind } from './registry';

export interface DistrictBinding {
  value: string | undefined;
  onChange: (district: string | undefined) => void;
}

export function RecordFormShell<K extends WorkflowKind>({
  form,
  ns,
  title,
  titleId,
  notice,
  lead,
  showForm = true,
  className = 'card',
  formClassName = 'record-form',
  inert,
  onSubmit,
  caseLabel,
  caseInputId,
  district,
  note,
  beforeActions,
  after,
  children,
}: {
  form: RecordForm<K>;
  /** The workflow's namespace: intro, draftRestored, save, cancel, noteHint, fields.note, changeCaseNumber, errors.*. */
  ns: WorkflowNamespace;
  title: string;
  titleId: string;
  /** Shown under the intro (e.g. a questionnaire that could not be used). */
  notice?: ReactNode;
  /** Before the form (e.g. the welcome visit's outcome question). */
  lead?: ReactNode;
  showForm?: boolean;
  className?: string;
  formClassName?: string;
  /** While a full-screen instruction is over the form. */
  inert?: boolean;
  onSubmit: NonNullable<ComponentProps<'form'>['onSubmit']>;
  /** Label of the case number (a case is required). */
  caseLabel?: string;
  /** Id of the read-only case number once a case is picked. */
  caseInputId?: string;
  district?: DistrictBinding;
  note?: NoteBinding;
  /** Between the fields and the buttons (e.g. the list of unanswered questions). */
  beforeActions?: ReactNode;
  /** After the form's card (e.g. the acute-danger instruction). */
  after?: ReactNode;
  children: ReactNode;
}) {
  const { t: typed } = useTranslation(ns);
  // The namespace is the workflow's; every workflow namespace has these keys (see the JSDoc of `ns`).
  const t = typed as unknown as (key: string) => string;
  const { workflow, correction, problem, case: picked, caseDistrict } = form;

  // The district stated at the case's consent is where a new record of the case starts (it can still be changed).
  const districtValue = district?.value;
  const setDistrict = district?.onChange;
  // Only when the case (and with it its district) changes, so a district the person cleared stays cleared.
  const districtAppliedFor = useRef<string | null>(null);
  useEffect(() => {
    const caseKey = `${picked.caseNumber ?? ''}|${caseDistrict ?? ''}`;
    if (districtAppliedFor.current === caseKey) return;
    districtAppliedFor.current = caseKey;
    if (!correction && caseDistrict !== undefined && districtValue === undefined) setDistrict?.(caseDistrict);
  }, [correction, caseDistrict, districtValue, setDistrict, picked.caseNumber]);

  if (!form.started) {
    // Fields appear once the draft (if any) is restored, so no tap can race the restore.
    return <p className="loading">{typed('app.loading', { ns: 'common' })}</p>;
  }

  const actionError =
    problem?.kind === 'saveFailed'
      ? t('errors.saveFailed')
      : problem?.kind === 'consent' && workflow.caseLink === 'required'
        ? t(`errors.${problem.reason}`)
        : null;
  const linkProblem: CaseLinkProblem | null =
    problem?.kind === 'caseNumberMissing' ? 'caseNumberMissing' : problem?.kind === 'consent' ? problem.reason : null;
  const districtField = workflow.district && district ? <DistrictField value={district.value} onChange={district.onChange} /> : null;
  const refusal = form.caseRefusal ? <CaseRefusalNotice refusal={form.caseRefusal} workflow={workflow.kind} /> : null;
  // A record about a case is filled in only once a case this tablet may document for is entered:
  // a refused number is said at once, not after all the answers.
  const awaitingCase = workflow.caseLink === 'required' && !correction && picked.caseNumber === null;
  const fixedCase = (
    <div className="field">
      <label htmlFor={caseInputId}>{caseLabel ?? typed('lookup.label', { ns: 'cases' })}</label>
      <div className="case-lookup__row">
        <input id={caseInputId} className="case-lookup__input" type="text" dir="ltr" readOnly value={picked.caseNumber ?? ''} />
        {!picked.fixed && (
          <button type="button" className="button" onClick={form.changeCase}>
            {t('changeCaseNumber')}
          </button>
        )}
      </div>
    </div>
  );

  return (
    <>
      <section className={className} aria-labelledby={titleId} inert={inert}>
        <h1 id={titleId}>{title}</h1>
        {correction ? (
          <CorrectionNotice record={correction} problem={problem?.kind === 'correction' ? problem.reason : null} />
        ) : (
          <p className="hint">{t('intro')}</p>
        )}
        {notice}
        {form.restored && (
          <p className="notice" role="status">
            {t('draftRestored')}
          </p>
        )}
        {lead}
        {showForm && (
          <form onSubmit={onSubmit} noValidate className={formClassName}>
            {workflow.caseLink === 'required' && (
              <>
                {picked.lookup ? <CaseNumberInput label={caseLabel} onFound={form.chooseCase} refused={refusal !== null} /> : fixedCase}
                {refusal}
                {form.attempted && picked.caseNumber === null && refusal === null && (
                  <p className="field__error" role="alert">
                    {t('errors.caseNumberRequired')}
                  </p>
                )}
                {awaitingCase ? <p className="hint">{typed('lookup.caseFirst', { ns: 'cases' })}</p> : districtField}
              </>
            )}

            {!awaitingCase && children}

            {workflow.caseLink === 'optional' && (
              <>
                {districtField}
                {!correction &&
                  (picked.fixed ? (
                    fixedCase
                  ) : (
                    <CaseLink
                      linked={picked.linked}
                      onLinkedChange={form.setLinked}
                      onCaseNumber={form.chooseCase}
                      problem={linkProblem}
                      refusal={refusal}
                    />
                  ))}
              </>
            )}

            {note && !awaitingCase && (
              <div className="field">
                <label htmlFor={note.id}>{t('fields.note')}</label>
                <textarea
                  id={note.id}
                  rows={3}
                  maxLength={note.maxLength}
                  aria-describedby={`${note.id}-hint ${note.id}-limit`}
                  {...note.field}
                />
                <p id={`${note.id}-hint`} className="hint">
                  {t('noteHint')}
                </p>
                <TextLimit text={note.text} max={note.maxLength} id={`${note.id}-limit`} />
                <PersonalDataHint text={note.text} />
                {note.error !== null && <p className="field__error">{note.error}</p>}
              </div>
            )}

            {!awaitingCase && beforeActions}
            <FormActions saveLabel={t('save')} cancelLabel={t('cancel')} busy={form.saving} error={actionError} onCancel={form.cancel} />
          </form>
        )}
      </section>
      {after}
    </>
  );
}
