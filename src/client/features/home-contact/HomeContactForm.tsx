// Logging a HOME contact in the foyer: a handful of taps for the common case.
// Validated with the same zod schema the server uses; the draft autosaves on
// every change so a reload, a crash or an app update never loses it.
import { useCallback, useState } from 'react';
import { useForm, useWatch, type FieldError } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslation } from 'react-i18next';
import {
  CONTACT_KINDS,
  HOME_NOTE_MAX_LENGTH,
  HOME_TOPICS,
  TIME_SLOTS,
  homeContactContentSchema,
  type HomeContactContent,
} from '../../../shared/records/home-contact';
import { SPOKEN_LANGUAGES } from '../../../shared/languages';
import { homeContactDefaults } from '../../../domain/home-contact';
import { correctedRecord, newHomeContactRecord } from '../../../domain/record-envelope';
import type { HomeContactRecord } from '../../../shared/records/sync-record';
import { CorrectionNotice, useCorrectionProblem } from '../records/CorrectionNotice';
import { correctionDraftId } from '../records/work-items';
import { useAppServices } from '../../app/AppContext';
import { useStoredValue } from '../../app/useStoredValue';
import { useFormDraft } from '../../forms/useFormDraft';
import { ChoiceChips } from '../../forms/ChoiceChips';
import { FormActions } from '../../forms/FormActions';
import { PersonalDataHint } from '../../forms/PersonalDataHint';
import { CaseLink, type CaseLinkProblem } from '../case-lookup/CaseLink';
import { ConsentMissingError } from '../../../domain/consent';

export const HOME_CONTACT_DRAFT_ID = 'homeContact:new';
const NO_SITES: readonly { id: string; label: string }[] = [];

/** `correction`: the saved record to correct (the form opens with its content; saving writes its next revision). */
export function HomeContactForm({ onDone, correction }: { onDone: () => void; correction?: HomeContactRecord | undefined }) {
  const { t } = useTranslation('home-contact');
  const draftId = correction ? correctionDraftId(correction) : HOME_CONTACT_DRAFT_ID;
  const [correctionProblem, setCorrectionProblem, explainCorrection] = useCorrectionProblem();
  const { storage, sync } = useAppServices();
  const config = useStoredValue(storage, async (s) => (await s.device.config()) ?? null);
  const sites = config?.homeSites ?? NO_SITES;
  const [saveFailed, setSaveFailed] = useState(false);
  // Anonymous tally by default; linked to a consented case only when switched on.
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
  } = useForm<HomeContactContent>({
    resolver: zodResolver(homeContactContentSchema),
    defaultValues: homeContactDefaults(new Date(), []),
  });

  const note = useWatch({ control, name: 'note' }) ?? '';

  // Restore a draft once, or start from today's defaults — after the cached
  // configuration has been read, so a single site can be preselected.
  const applyDraft = useCallback(
    (draft: unknown): boolean => {
      const defaults = homeContactDefaults(new Date(), (config?.homeSites ?? []).map((s) => s.id));
      if (draft && typeof draft === 'object') {
        reset({ ...defaults, ...(draft as Partial<HomeContactContent>) });
        return true;
      }
      reset(correction ? correction.content : defaults);
      return false;
    },
    [config, reset, correction],
  );
  const { autosave, started, restored } = useFormDraft({
    draftId,
    form: { subscribe, getValues },
    apply: applyDraft,
    ready: config !== undefined,
  });

  const onSubmit = handleSubmit(async (content) => {
    setSaveFailed(false);
    setCaseProblem(null);
    setCorrectionProblem(null);
    if (!correction && linkCase && caseNumber === null) {
      setCaseProblem('caseNumberMissing');
      return;
    }
    await autosave.stop(); // no autosave may outlive the draft becoming a record
    try {
      const context = { deviceId: await storage.device.deviceId(), now: new Date() };
      if (correction) {
        await storage.records.saveCorrection(await correctedRecord(correction, content, context), { draftId });
      } else {
        await storage.records.saveRecord(await newHomeContactRecord(content, context, linkCase ? caseNumber : null), { draftId });
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

  const errorText = (error: FieldError | { message?: string } | undefined): string | null => {
    if (!error) return null;
    const key = error.message ?? '';
    return ['topicsRequired', 'invalidSiteId', 'invalidDate'].includes(key)
      ? t(`errors.${key as 'topicsRequired' | 'invalidSiteId' | 'invalidDate'}`)
      : t('errors.invalidChoice');
  };

  if (!started) {
    // Fields appear once the draft (if any) is restored, so no tap can race the restore.
    return <p className="loading">{t('app.loading', { ns: 'common' })}</p>;
  }

  return (
    <section className="card" aria-labelledby="home-contact-title">
      <h1 id="home-contact-title">{t('title')}</h1>
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

        <div className="field-row">
          <div className="field">
            <label htmlFor="contactDate">{t('fields.contactDate')}</label>
            <input id="contactDate" type="date" {...register('contactDate')} />
            {errors.contactDate && <p className="field__error">{errorText(errors.contactDate)}</p>}
          </div>
          <ChoiceChips
            legend={t('fields.timeSlot')}
            type="radio"
            options={TIME_SLOTS.map((slot) => ({ value: slot, label: t(`timeSlot.${slot}`) }))}
            field={register('timeSlot')}
          />
        </div>

        <ChoiceChips
          legend={t('fields.contactKind')}
          type="radio"
          options={CONTACT_KINDS.map((kind) => ({ value: kind, label: t(`contactKind.${kind}`) }))}
          field={register('contactKind')}
          error={errorText(errors.contactKind)}
        />

        <ChoiceChips
          legend={t('fields.topics')}
          type="checkbox"
          options={HOME_TOPICS.map((topic) => ({ value: topic, label: t(`topics.${topic}`) }))}
          field={register('topics')}
          error={errorText(errors.topics)}
        />

        <div className="field-row">
          <div className="field">
            <label htmlFor="language">{t('fields.language')}</label>
            <select id="language" {...register('language')}>
              {SPOKEN_LANGUAGES.map((lang) => (
                <option key={lang} value={lang}>
                  {t(`spokenLanguage.${lang}`)}
                </option>
              ))}
            </select>
          </div>
          <label className="choice choice--single">
            <input type="checkbox" {...register('mediatorPresent')} />
            <span>{t('fields.mediatorPresent')}</span>
          </label>
        </div>

        {!correction && (
          <CaseLink
            linked={linkCase}
            onLinkedChange={(linked) => {
              setLinkCase(linked);
              setCaseProblem(null);
            }}
            onCaseNumber={(found) => {
              setCaseNumber(found);
              setCaseProblem(null);
            }}
            problem={caseProblem}
          />
        )}

        <div className="field">
          <label htmlFor="note">{t('fields.note')}</label>
          <textarea id="note" rows={3} maxLength={HOME_NOTE_MAX_LENGTH} aria-describedby="note-hint" {...register('note')} />
          <p id="note-hint" className="hint">
            {t('noteHint')}
          </p>
          <PersonalDataHint text={note} />
          {errors.note && <p className="field__error">{t('errors.noteTooLong')}</p>}
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
