// The welcome visit (Gelsenkirchen): family-support staff at the family's
// home, 1–8 weeks after birth, often offline and standing. The outcome comes
// first: a visit that did not happen (nobody at home, declined) is saved at
// once as an anonymous count — outcome and today's date, no case. A visit that
// took place is documented for a consented case, validated with the shared
// schema the server uses; its draft autosaves on every change.
import { useCallback, useRef, useState } from 'react';
import { Controller, useForm, useWatch } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslation } from 'react-i18next';
import {
  WELCOME_OUTCOMES,
  WELCOME_TOPICS,
  WELCOME_VISIT_NOTE_MAX_LENGTH,
  WELCOME_WEEK_WINDOW,
  welcomeVisitContentSchema,
  type WelcomeVisitAttemptContent,
  type WelcomeVisitContent,
} from '../../../shared/records/welcome-visit';
import { localIsoDate } from '../../../domain/home-contact';
import { ConsentMissingError } from '../../../domain/consent';
import { correctedRecord, newWelcomeVisitAttemptRecord, newWelcomeVisitRecord } from '../../../domain/record-envelope';
import type { WelcomeVisitRecord } from '../../../shared/records/sync-record';
import { CorrectionNotice, useCorrectionProblem } from '../records/CorrectionNotice';
import { correctionDraftId } from '../records/work-items';
import { useAppServices } from '../../app/AppContext';
import { useFormDraft } from '../../forms/useFormDraft';
import { ChoiceChips } from '../../forms/ChoiceChips';
import { YesNoChips } from '../../forms/YesNoChips';
import { FormActions } from '../../forms/FormActions';
import { CaseNumberInput } from '../case-lookup/CaseNumberInput';
import { PersonalDataHint } from '../../forms/PersonalDataHint';
import { WELCOME_OFFER_TYPES } from './offer-types';
import { welcomeItems } from './welcome-items';
import { useStoredValue } from '../../app/useStoredValue';
import { DistrictField, withDistrict } from '../district/DistrictField';

export const WELCOME_VISIT_DRAFT_ID = 'welcomeVisit:new';

type Outcome = (typeof WELCOME_OUTCOMES)[number];
type SaveProblem = 'consentMissing' | 'caseWithdrawn' | 'saveFailed';

/** Message keys of the shared schema (and of this form) that have their own text. */
const ERROR_KEYS = [
  'invalidWeek',
  'invalidChoice',
  'invalidDate',
  'duplicateTopic',
  'duplicateItem',
  'followUpDateWithoutWish',
  'noteTooLong',
] as const;
type ErrorKey = (typeof ERROR_KEYS)[number];

/** What the draft holds: the form's values and the case number, if one was entered. */
interface WelcomeVisitDraft {
  caseNumber: string | null;
  values: Partial<WelcomeVisitContent>;
}

function readDraft(raw: unknown): WelcomeVisitDraft | null {
  if (!raw || typeof raw !== 'object') return null;
  const { caseNumber, values } = raw as { caseNumber?: unknown; values?: unknown };
  if (!values || typeof values !== 'object') return null;
  return { caseNumber: typeof caseNumber === 'string' ? caseNumber : null, values: values };
}

function visitDefaults(now: Date): Partial<WelcomeVisitContent> {
  return {
    outcome: 'visited',
    visitDate: localIsoDate(now),
    topics: [],
    itemsHandedOver: [],
    offersRecommended: [],
    followUpWished: false,
  };
}

/** The first message in a field's error, wherever react-hook-form put it (field, array root, element). */
function messageOf(error: unknown): string | undefined {
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

/** Only the keys that carry a value: no empty note, no follow-up date without a wish. */
function toContent(values: WelcomeVisitContent): WelcomeVisitContent {
  const { followUpDate, note, ...rest } = values;
  const trimmed = note?.trim() ?? '';
  return {
    ...rest,
    ...(values.followUpWished && followUpDate !== undefined ? { followUpDate } : {}),
    ...(trimmed.length > 0 ? { note: trimmed } : {}),
  };
}

/** `correction`: a saved visit to correct (its case and outcome stay; saving writes its next revision). */
export function WelcomeVisitForm({
  onDone,
  caseNumber: givenCase,
  correction,
}: {
  onDone: () => void;
  caseNumber?: string | undefined;
  correction?: WelcomeVisitRecord | undefined;
}) {
  const { t } = useTranslation('welcome-visit');
  const { storage, sync } = useAppServices();
  const config = useStoredValue(storage, (s) => s.device.config());
  const caseNumber = correction ? correction.caseNumber : givenCase;
  const draftId = correction ? correctionDraftId(correction) : WELCOME_VISIT_DRAFT_ID;
  const [correctionProblem, setCorrectionProblem, explainCorrection] = useCorrectionProblem();
  const [outcome, setOutcome] = useState<Outcome | null>(correction ? 'visited' : null);
  const [caseNo, setCaseNo] = useState<string | null>(caseNumber ?? null);
  const [lookup, setLookup] = useState(caseNumber === undefined);
  const [caseMissing, setCaseMissing] = useState(false);
  const [saveProblem, setSaveProblem] = useState<SaveProblem | null>(null);
  const [savingAttempt, setSavingAttempt] = useState(false);
  const [attemptDistrict, setAttemptDistrict] = useState<string | undefined>();
  // The case number as the autosave and submit callbacks must see it (set with the state).
  const caseRef = useRef<string | null>(caseNumber ?? null);

  const {
    register,
    handleSubmit,
    reset,
    subscribe,
    getValues,
    setValue,
    control,
    formState: { errors, isSubmitting },
  } = useForm<WelcomeVisitContent>({
    resolver: zodResolver(welcomeVisitContentSchema),
    defaultValues: visitDefaults(new Date()),
  });

  const note = useWatch({ control, name: 'note' }) ?? '';
  const week = useWatch({ control, name: 'weekOfLife' });
  const followUpWished = useWatch({ control, name: 'followUpWished' });

  // Restore a draft once (a visit in progress), or start with the outcome question.
  const applyDraft = useCallback(
    (raw: unknown): boolean => {
      const draft = readDraft(raw);
      // A draft for another family's case is never applied to this case.
      const fits = draft !== null && (caseNumber === undefined || draft.caseNumber === null || draft.caseNumber === caseNumber);
      if (!draft || !fits) {
        if (correction) reset({ ...correction.content });
        return false;
      }
      reset({ ...visitDefaults(new Date()), ...draft.values, outcome: 'visited' });
      if (caseNumber === undefined && draft.caseNumber !== null) {
        caseRef.current = draft.caseNumber;
        setCaseNo(draft.caseNumber);
        setLookup(false);
      }
      setOutcome('visited');
      return true;
    },
    [caseNumber, reset, correction, setCaseNo, setLookup, setOutcome],
  );
  const draftNow = useCallback((): WelcomeVisitDraft => ({ caseNumber: caseRef.current, values: getValues() }), [getValues]);
  const { autosave, started, restored } = useFormDraft({
    draftId,
    form: { subscribe, getValues },
    apply: applyDraft,
    snapshot: draftNow,
  });

  const chooseCase = (found: string | null) => {
    setCaseNo(found);
    caseRef.current = found;
    setCaseMissing(false);
    setSaveProblem(null);
    autosave.schedule(draftNow);
  };

  const context = async () => ({ deviceId: await storage.device.deviceId(), now: new Date() });

  const saveAttempt = async (attempt: WelcomeVisitAttemptContent['outcome']): Promise<void> => {
    setSaveProblem(null);
    setSavingAttempt(true);
    await autosave.stop();
    try {
      const content: WelcomeVisitAttemptContent = { outcome: attempt, visitDate: localIsoDate(new Date()), ...withDistrict(attemptDistrict) };
      // Removes any half-filled visit draft too: the visit did not take place.
      await storage.records.saveRecord(await newWelcomeVisitAttemptRecord(content, await context()), { draftId: WELCOME_VISIT_DRAFT_ID });
      sync.trigger();
      onDone();
    } catch {
      autosave.resume();
      setSaveProblem('saveFailed');
      setSavingAttempt(false);
    }
  };

  const saveVisit = handleSubmit(async (values) => {
    const forCase = caseNo;
    if (forCase === null) return;
    setSaveProblem(null);
    setCorrectionProblem(null);
    await autosave.stop(); // no autosave may outlive the draft becoming a record
    try {
      if (correction) {
        await storage.records.saveCorrection(await correctedRecord(correction, toContent(values), await context()), { draftId });
      } else {
        await storage.records.saveRecord(await newWelcomeVisitRecord(toContent(values), forCase, await context()), { draftId });
      }
      sync.trigger();
      onDone();
    } catch (error) {
      autosave.resume();
      await autosave.saveNow(() => ({ caseNumber: forCase, values: getValues() }));
      if (correction && explainCorrection(error)) return;
      setSaveProblem(error instanceof ConsentMissingError ? error.reason : 'saveFailed');
    }
  });

  const errorText = (error: unknown): string | null => {
    const key = messageOf(error);
    if (key === undefined) return null;
    return t(`errors.${(ERROR_KEYS as readonly string[]).includes(key) ? (key as ErrorKey) : 'invalidChoice'}`);
  };

  // The municipality's own list (tablet configuration), or the built-in one.
  const items = welcomeItems(config, t);

  if (!started) {
    // Fields appear once the draft (if any) is restored, so no tap can race the restore.
    return <p className="loading">{t('app.loading', { ns: 'common' })}</p>;
  }

  const weekOutside = typeof week === 'number' && Number.isInteger(week) && (week < WELCOME_WEEK_WINDOW.from || week > WELCOME_WEEK_WINDOW.to);

  return (
    <section className="card" aria-labelledby="welcome-visit-title">
      <h1 id="welcome-visit-title">{t('title')}</h1>
      {correction ? <CorrectionNotice record={correction} problem={correctionProblem} /> : <p className="hint">{t('intro')}</p>}
      {restored && (
        <p className="notice" role="status">
          {t('draftRestored')}
        </p>
      )}

      {!correction && (
      <fieldset className="choice-group welcome-visit__outcome">
        <legend>{t('outcomeLegend')}</legend>
        <div className="choices">
          {WELCOME_OUTCOMES.map((value) => (
            <label key={value} className="choice choice--block">
              <input
                type="radio"
                name="welcome-visit-outcome"
                value={value}
                checked={outcome === value}
                onChange={() => {
                  setOutcome(value);
                  setSaveProblem(null);
                }}
              />
              <span>{t(`outcome.${value}`)}</span>
            </label>
          ))}
        </div>
      </fieldset>
      )}

      {(outcome === 'nobodyHome' || outcome === 'declined') && (
        <div className="record-form">
          <p className="hint">{t('attempt.hint')}</p>
          <DistrictField value={attemptDistrict} onChange={setAttemptDistrict} />
          <FormActions
            saveLabel={t('attempt.save')}
            cancelLabel={t('cancel')}
            busy={savingAttempt}
            error={saveProblem !== null ? t(`errors.${saveProblem}`) : null}
            onSave={() => void saveAttempt(outcome)}
            onCancel={() => void autosave.discard().then(onDone)}
          />
        </div>
      )}

      {outcome === 'visited' && (
        <form
          onSubmit={(event) => {
            setCaseMissing(caseNo === null);
            void saveVisit(event);
          }}
          noValidate
          className="record-form"
        >
          {lookup ? (
            <CaseNumberInput label={t('fields.caseNumber')} onFound={chooseCase} />
          ) : (
            <div className="field">
              <label htmlFor="welcome-case-number">{t('fields.caseNumber')}</label>
              <div className="case-lookup__row">
                <input id="welcome-case-number" className="case-lookup__input" type="text" dir="ltr" readOnly value={caseNo ?? ''} />
                {caseNumber === undefined && (
                  <button
                    type="button"
                    className="button"
                    onClick={() => {
                      chooseCase(null);
                      setLookup(true);
                    }}
                  >
                    {t('changeCaseNumber')}
                  </button>
                )}
              </div>
            </div>
          )}
          {caseMissing && caseNo === null && (
            <p className="field__error" role="alert">
              {t('errors.caseNumberRequired')}
            </p>
          )}

          <Controller control={control} name="district" render={({ field }) => <DistrictField value={field.value} onChange={field.onChange} />} />
          <div className="field-row">
            <div className="field">
              <label htmlFor="visitDate">{t('fields.visitDate')}</label>
              <input id="visitDate" type="date" {...register('visitDate')} />
              {errors.visitDate && <p className="field__error">{errorText(errors.visitDate)}</p>}
            </div>
            <div className="field">
              <label htmlFor="weekOfLife">{t('fields.weekOfLife')}</label>
              <input
                id="weekOfLife"
                type="number"
                inputMode="numeric"
                min={0}
                max={52}
                step={1}
                aria-describedby="weekOfLife-hint weekOfLife-warning"
                aria-invalid={errors.weekOfLife ? true : undefined}
                {...register('weekOfLife', { valueAsNumber: true })}
              />
              <p id="weekOfLife-hint" className="hint">
                {t('weekHint')}
              </p>
              <div id="weekOfLife-warning" role="status">
                {weekOutside && (
                  <p className="notice notice--warning">
                    {t('weekOutsideWindow', { week, from: WELCOME_WEEK_WINDOW.from, to: WELCOME_WEEK_WINDOW.to })}
                  </p>
                )}
              </div>
              {errors.weekOfLife && <p className="field__error">{errorText(errors.weekOfLife)}</p>}
            </div>
          </div>

          <Controller
            control={control}
            name="firstChild"
            render={({ field, fieldState }) => (
              <YesNoChips legend={t('fields.firstChild')} field={field} yesLabel={t('yes')} noLabel={t('no')} error={errorText(fieldState.error)} />
            )}
          />

          <ChoiceChips
            legend={t('fields.topics')}
            type="checkbox"
            options={WELCOME_TOPICS.map((topic) => ({ value: topic, label: t(`topics.${topic}`) }))}
            field={register('topics')}
            error={errorText(errors.topics)}
          />

          <ChoiceChips
            legend={t('fields.itemsHandedOver')}
            type="checkbox"
            options={items.map((item) => ({ value: item.id, label: item.label }))}
            field={register('itemsHandedOver')}
            error={errorText(errors.itemsHandedOver)}
          />

          {/* Offer TYPES for now; the offer catalog comes later (see offer-types.ts). */}
          <ChoiceChips
            legend={t('fields.offersRecommended')}
            type="checkbox"
            options={WELCOME_OFFER_TYPES.map((offer) => ({ value: offer, label: t(`offers.${offer}`) }))}
            field={register('offersRecommended')}
            error={errorText(errors.offersRecommended)}
            describedBy="offers-hint"
          >
            <p id="offers-hint" className="hint">
              {t('offersHint')}
            </p>
          </ChoiceChips>

          <Controller
            control={control}
            name="followUpWished"
            render={({ field }) => (
              <YesNoChips
                legend={t('fields.followUpWished')}
                field={field}
                yesLabel={t('yes')}
                noLabel={t('no')}
                onAnswer={(answer) => {
                  if (!answer) setValue('followUpDate', undefined);
                }}
              />
            )}
          />
          {followUpWished && (
            <div className="field">
              <label htmlFor="followUpDate">{t('fields.followUpDate')}</label>
              <input id="followUpDate" type="date" {...register('followUpDate', { setValueAs: (v: unknown) => (v === '' || v === null ? undefined : v) })} />
              {errors.followUpDate && <p className="field__error">{errorText(errors.followUpDate)}</p>}
            </div>
          )}

          <div className="field">
            <label htmlFor="welcome-note">{t('fields.note')}</label>
            <textarea id="welcome-note" rows={3} maxLength={WELCOME_VISIT_NOTE_MAX_LENGTH} aria-describedby="welcome-note-hint" {...register('note')} />
            <p id="welcome-note-hint" className="hint">
              {t('noteHint')}
            </p>
            <PersonalDataHint text={note} />
            {errors.note && <p className="field__error">{errorText(errors.note)}</p>}
          </div>

          <FormActions
            saveLabel={t('save')}
            cancelLabel={t('cancel')}
            busy={isSubmitting}
            error={saveProblem !== null ? t(`errors.${saveProblem}`) : null}
            onCancel={() => void autosave.discard().then(onDone)}
          />
        </form>
      )}
    </section>
  );
}
