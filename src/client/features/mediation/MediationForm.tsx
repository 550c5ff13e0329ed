// A language and culture mediator's deployment log (Münster), filled in
// standing in the Kita: which Kita, which languages, with whom, which topics,
// whether a follow-up is needed. Anonymous by default; it may be linked to a
// case that has a covering consent on this tablet. Validated with the same zod
// schema the server uses; the draft autosaves on every change.
import { useCallback, useState } from 'react';
import { Controller, useForm, useWatch } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslation } from 'react-i18next';
import {
  MEDIATION_NOTE_MAX_LENGTH,
  MEDIATION_TOPICS,
  MEDIATION_WITH,
  mediationContentSchema,
  type MediationContent,
} from '../../../shared/records/mediation';
import { FAMILY_LANGUAGES, LANGUAGE_AUTONYMS, textDirection } from '../../../shared/languages';
import { localIsoDate } from '../../../domain/home-contact';
import { ConsentMissingError } from '../../../domain/consent';
import { correctedRecord, newMediationRecord } from '../../../domain/record-envelope';
import type { MediationRecord } from '../../../shared/records/sync-record';
import { CorrectionNotice, useCorrectionProblem } from '../records/CorrectionNotice';
import { correctionDraftId } from '../records/work-items';
import { useAppServices } from '../../app/AppContext';
import { useStoredValue } from '../../app/useStoredValue';
import { useFormDraft } from '../../forms/useFormDraft';
import { ChoiceChips } from '../../forms/ChoiceChips';
import { YesNoChips } from '../../forms/YesNoChips';
import { FormActions } from '../../forms/FormActions';
import { PersonalDataHint } from '../../forms/PersonalDataHint';
import { CaseLink, type CaseLinkProblem } from '../case-lookup/CaseLink';

export const MEDIATION_DRAFT_ID = 'mediation:new';
const NO_SITES: readonly { id: string; label: string }[] = [];
const CONTENT_KEYS = Object.keys(mediationContentSchema.shape);

/** Message keys the shared schema produces, each with a text in `mediation:errors`. */
const SCHEMA_MESSAGES = ['invalidSiteId', 'invalidDate', 'languagesRequired', 'topicsRequired', 'noteTooLong'] as const;
type SchemaMessage = (typeof SCHEMA_MESSAGES)[number];
const isSchemaMessage = (key: string): key is SchemaMessage => (SCHEMA_MESSAGES as readonly string[]).includes(key);


/** A fresh form: today, no follow-up, the one Kita if there is only one. */
export function mediationDefaults(now: Date, siteIds: readonly string[]): Partial<MediationContent> {
  const defaults: Partial<MediationContent> = {
    date: localIsoDate(now),
    languages: [],
    topics: [],
    followUpNeeded: false,
    note: '',
  };
  if (siteIds.length === 1 && siteIds[0] !== undefined) defaults.site = siteIds[0];
  return defaults;
}

/** Only the fields the schema knows: a draft from an older form cannot smuggle in a key the strict schema rejects. */
function draftFields(draft: unknown): Partial<MediationContent> | null {
  if (!draft || typeof draft !== 'object') return null;
  return Object.fromEntries(Object.entries(draft).filter(([key]) => CONTENT_KEYS.includes(key)));
}

/** `correction`: the saved record to correct (the form opens with its content; saving writes its next revision). */
export function MediationForm({ onDone, correction }: { onDone: () => void; correction?: MediationRecord | undefined }) {
  const { t } = useTranslation('mediation');
  const draftId = correction ? correctionDraftId(correction) : MEDIATION_DRAFT_ID;
  const [correctionProblem, setCorrectionProblem, explainCorrection] = useCorrectionProblem();
  const { storage, sync } = useAppServices();
  const config = useStoredValue(storage, async (s) => (await s.device.config()) ?? null);
  const sites = config?.homeSites ?? NO_SITES;
  const [saveFailed, setSaveFailed] = useState(false);
  const [linkCase, setLinkCase] = useState(false);
  const [caseNumber, setCaseNumber] = useState<string | null>(null);
  const [caseProblem, setCaseProblem] = useState<CaseLinkProblem | null>(null);

  const {
    register,
    handleSubmit,
    reset,
    subscribe,
    getValues,
    control,
    formState: { errors, isSubmitting },
  } = useForm<MediationContent>({
    resolver: zodResolver(mediationContentSchema),
    defaultValues: mediationDefaults(new Date(), []),
  });

  const note = useWatch({ control, name: 'note' }) ?? '';

  // Restore a draft once, or start from today's defaults — after the cached
  // configuration has been read, so a single Kita can be preselected.
  const applyDraft = useCallback(
    (draft: unknown): boolean => {
      const defaults = mediationDefaults(new Date(), (config?.homeSites ?? []).map((s) => s.id));
      const fields = draftFields(draft);
      reset(fields ? { ...defaults, ...fields } : correction ? { note: '', ...correction.content } : defaults);
      return fields !== null;
    },
    [config, reset, correction],
  );
  const { autosave, started, restored } = useFormDraft({
    draftId,
    form: { subscribe, getValues },
    apply: applyDraft,
    ready: config !== undefined,
  });

  const onCaseFound = useCallback((found: string | null) => {
    setCaseNumber(found);
    setCaseProblem(null);
  }, [setCaseProblem]);

  const onSubmit = handleSubmit(async (content) => {
    setSaveFailed(false);
    setCaseProblem(null);
    setCorrectionProblem(null);
    const linkedCase = linkCase ? caseNumber : null;
    if (!correction && linkCase && linkedCase === null) {
      setCaseProblem('caseNumberMissing');
      return;
    }
    const { note: text, ...rest } = content;
    const clean: MediationContent = text !== undefined && text.trim() !== '' ? { ...rest, note: text } : rest;
    await autosave.stop(); // no autosave may outlive the draft becoming a record
    try {
      const context = { deviceId: await storage.device.deviceId(), now: new Date() };
      if (correction) {
        await storage.records.saveCorrection(await correctedRecord(correction, clean, context), { draftId });
      } else {
        await storage.records.saveRecord(await newMediationRecord(clean, context, linkedCase), { draftId });
      }
      sync.trigger();
      onDone();
    } catch (error) {
      autosave.resume();
      await autosave.saveNow(getValues);
      if (correction && explainCorrection(error)) return;
      if (error instanceof ConsentMissingError) setCaseProblem(error.reason);
      else setSaveFailed(true);
    }
  });

  const errorText = (error: { message?: string } | undefined): string | null => {
    if (!error) return null;
    const key = error.message ?? '';
    return isSchemaMessage(key) ? t(`errors.${key}`) : t('errors.invalidChoice');
  };

  if (!started) {
    // Fields appear once the draft (if any) is restored, so no tap can race the restore.
    return <p className="loading">{t('app.loading', { ns: 'common' })}</p>;
  }

  return (
    <section className="card" aria-labelledby="mediation-title">
      <h1 id="mediation-title">{correction ? t('forms.mediation', { ns: 'records' }) : t('new')}</h1>
      {correction ? <CorrectionNotice record={correction} problem={correctionProblem} /> : <p className="hint">{t('intro')}</p>}
      {restored && (
        <p className="notice" role="status">
          {t('draftRestored')}
        </p>
      )}
      <form onSubmit={(e) => void onSubmit(e)} noValidate className="record-form">
        <ChoiceChips
          legend={t('fields.site')}
          type="radio"
          options={sites.map((site) => ({ value: site.id, label: site.label }))}
          field={register('site')}
          error={errorText(errors.site)}
        >
          {sites.length === 0 && <p className="field__error">{t('noSites')}</p>}
        </ChoiceChips>

        <div className="field">
          <label htmlFor="mediation-date">{t('fields.date')}</label>
          <input id="mediation-date" type="date" {...register('date')} />
          {errors.date && <p className="field__error">{errorText(errors.date)}</p>}
        </div>

        <ChoiceChips
          legend={t('fields.languages')}
          type="checkbox"
          options={[
            // Each language in its own name and script, marked up so screen readers pronounce it.
            ...FAMILY_LANGUAGES.map((lang) => ({ value: lang, label: LANGUAGE_AUTONYMS[lang], lang, dir: textDirection(lang) })),
            { value: 'other', label: t('languageOther') },
          ]}
          field={register('languages')}
          error={errorText(errors.languages)}
        />

        <ChoiceChips
          legend={t('fields.with')}
          type="radio"
          options={MEDIATION_WITH.map((who) => ({ value: who, label: t(`with.${who}`) }))}
          field={register('with')}
          error={errorText(errors.with)}
        />

        <ChoiceChips
          legend={t('fields.topics')}
          type="checkbox"
          options={MEDIATION_TOPICS.map((topic) => ({ value: topic, label: t(`topics.${topic}`) }))}
          field={register('topics')}
          error={errorText(errors.topics)}
        />

        <Controller
          control={control}
          name="followUpNeeded"
          render={({ field }) => <YesNoChips legend={t('fields.followUpNeeded')} field={field} yesLabel={t('yes')} noLabel={t('no')} />}
        />

        {!correction && (
          <CaseLink
            linked={linkCase}
            onLinkedChange={(linked) => {
              setLinkCase(linked);
              setCaseProblem(null);
            }}
            onCaseNumber={onCaseFound}
            problem={caseProblem}
          />
        )}

        <div className="field">
          <label htmlFor="mediation-note">{t('fields.note')}</label>
          <textarea
            id="mediation-note"
            rows={3}
            maxLength={MEDIATION_NOTE_MAX_LENGTH}
            aria-describedby="mediation-note-hint"
            {...register('note')}
          />
          <p id="mediation-note-hint" className="hint">
            {t('noteHint')}
          </p>
          <PersonalDataHint text={note} />
          {errors.note && <p className="field__error">{errorText(errors.note)}</p>}
        </div>

        <FormActions
          saveLabel={t('save')}
          cancelLabel={t('cancel')}
          busy={isSubmitting}
          error={saveFailed ? t('errors.saveFailed') : null}
          onCancel={() => void autosave.discard().then(onDone)}
        />
      </form>
    </section>
  );
}
