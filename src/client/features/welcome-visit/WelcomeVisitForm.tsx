// The welcome visit (Gelsenkirchen): family-support staff at the family's
// home, 1–8 weeks after birth, often offline and standing. The outcome comes
// first: a visit that did not happen (nobody at home, declined) is saved at
// once as an anonymous count — outcome and today's date, no case. A visit that
// took place is documented for a consented case. Its fields; the lifecycle
// (draft, case, district, note, save) is the shared record form's (features/workflows).
import { useCallback, useMemo, useState } from 'react';
import { Controller, useController, useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import {
  WELCOME_OUTCOMES,
  WELCOME_TOPICS,
  WELCOME_VISIT_NOTE_MAX_LENGTH,
  WELCOME_WEEK_WINDOW,
  WELCOME_VISIT_TYPES_SCHEMA_VERSION,
  welcomeVisitContentSchemaFor,
  type WelcomeVisitContent,
} from '@shared/records/welcome-visit';
import { localIsoDate } from '@domain/dates';
import { newWelcomeVisitAttemptRecord } from '@domain/record-envelope';
import { useAppServices } from '../../app/AppContext';
import { useStoredValue } from '../../app/useStoredValue';
import { ChoiceChips } from '../../forms/ChoiceChips';
import { FormActions } from '../../forms/FormActions';
import { YesNoChips } from '../../forms/YesNoChips';
import { caseDraft } from '../../forms/useRecordForm';
import { useRhfRecordForm } from '../../forms/useRhfRecordForm';
import { DateField, useNoteBinding } from '../../forms/record-fields';
import { useSchemaMessages } from '../../forms/schema-messages';
import { DistrictField, withDistrict } from '../district/DistrictField';
import { RecordFormShell } from '../workflows/RecordFormShell';
import { WORKFLOWS, type WorkflowFormProps } from '../workflows/registry';
import { legacyOfferTypeLabel } from './offer-types';
import { RecommendedOffersField } from './RecommendedOffersField';
import { welcomeItems } from './welcome-items';
import type { WelcomeVisitRecord } from '@shared/records/sync-record';

type Outcome = (typeof WELCOME_OUTCOMES)[number];

/** The draft: the case number, if one was entered, and the form's values. */
const DRAFT = caseDraft('values', (values): Partial<WelcomeVisitContent> => values);

function visitDefaults(): Partial<WelcomeVisitContent> {
  return {
    outcome: 'visited',
    visitDate: localIsoDate(new Date()),
    topics: [],
    itemsHandedOver: [],
    offersRecommended: [],
    followUpWished: false,
  };
}

/** A version-1 visit recommended offer TYPES: its correction starts without them (they are not catalogue offers). */
function fromRecord(record: WelcomeVisitRecord): Partial<WelcomeVisitContent> {
  const legacy = record.schemaVersion === WELCOME_VISIT_TYPES_SCHEMA_VERSION;
  return { ...record.content, ...(legacy ? { offersRecommended: [] } : {}) };
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
export function WelcomeVisitForm(props: WorkflowFormProps<'welcomeVisit'>) {
  const { t } = useTranslation('welcome-visit');
  const { storage } = useAppServices();
  const config = useStoredValue(storage, (s) => s.device.config());
  // The offer catalogue as last pulled (null: none on this tablet yet); recommended offers are chosen from it.
  const catalogue = useStoredValue(storage, (s) => s.device.offers().then((c) => c?.offers ?? null));
  // The shared content schema, plus: every recommended offer is one of the cached catalogue
  // (react-hook-form takes the resolver of the latest render, so a newly pulled catalogue applies at once).
  const schema = useMemo(
    () => welcomeVisitContentSchemaFor(catalogue === undefined ? undefined : new Set((catalogue ?? []).map((offer) => offer.id))),
    [catalogue],
  );
  const errorText = useSchemaMessages('welcome-visit');
  const [outcome, setOutcome] = useState<Outcome | null>(props.correction ? 'visited' : null);
  const [attemptDistrict, setAttemptDistrict] = useState<string | undefined>();
  // A restored draft is a visit in progress.
  const onRestored = useCallback(() => {
    setOutcome('visited');
  }, []);
  const { values, form, onSubmit } = useRhfRecordForm<'welcomeVisit', WelcomeVisitContent>({
    workflow: WORKFLOWS.welcomeVisit,
    props,
    schema,
    defaults: visitDefaults,
    fromRecord,
    toContent,
    draft: DRAFT,
    onRestored,
  });
  const { register, control, setValue, formState } = values;
  const { errors } = formState;
  const note = useNoteBinding(values, 'welcome-visit', 'welcome-note', WELCOME_VISIT_NOTE_MAX_LENGTH);
  const week = useWatch({ control, name: 'weekOfLife' });
  const followUpWished = useWatch({ control, name: 'followUpWished' });
  const { field: district } = useController({ control, name: 'district' });
  const recommended = useWatch({ control, name: 'offersRecommended' }) as readonly string[] | undefined;
  const legacyTypes =
    props.correction?.schemaVersion === WELCOME_VISIT_TYPES_SCHEMA_VERSION
      ? props.correction.content.offersRecommended.map((type) => legacyOfferTypeLabel(type, t))
      : [];

  // The municipality's own list (tablet configuration), or the built-in one.
  const items = welcomeItems(config, t);
  const weekOutside =
    typeof week === 'number' && Number.isInteger(week) && (week < WELCOME_WEEK_WINDOW.from || week > WELCOME_WEEK_WINDOW.to);

  const lead = (
    <>
      {!props.correction && (
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
                    form.clearProblem();
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
            busy={form.saving}
            error={form.problem !== null ? t('errors.saveFailed') : null}
            onSave={() =>
              // Removes any half-filled visit draft too: the visit did not take place.
              void form.saveInstead((context) =>
                newWelcomeVisitAttemptRecord({ outcome, visitDate: localIsoDate(new Date()), ...withDistrict(attemptDistrict) }, context),
              )
            }
            onCancel={form.cancel}
          />
        </div>
      )}
    </>
  );

  return (
    <RecordFormShell
      form={form}
      ns="welcome-visit"
      title={t('title')}
      titleId="welcome-visit-title"
      lead={lead}
      showForm={outcome === 'visited'}
      onSubmit={(event) => {
        form.attempt();
        void onSubmit(event);
      }}
      caseLabel={t('fields.caseNumber')}
      caseInputId="welcome-case-number"
      district={{ value: district.value, onChange: district.onChange }}
      note={note}
    >
      <div className="field-row">
        <DateField form={values} ns="welcome-visit" name="visitDate" id="visitDate" />
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
          <YesNoChips
            legend={t('fields.firstChild')}
            field={field}
            yesLabel={t('yes')}
            noLabel={t('no')}
            error={errorText(fieldState.error)}
          />
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

      <RecommendedOffersField
        catalogue={catalogue}
        chosen={recommended ?? []}
        district={district.value}
        field={register('offersRecommended')}
        error={errorText(errors.offersRecommended)}
        legacyTypes={legacyTypes}
      />

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
          <input
            id="followUpDate"
            type="date"
            {...register('followUpDate', { setValueAs: (v: unknown) => (v === '' || v === null ? undefined : v) })}
          />
          {errors.followUpDate && <p className="field__error">{errorText(errors.followUpDate)}</p>}
        </div>
      )}
    </RecordFormShell>
  );
}
