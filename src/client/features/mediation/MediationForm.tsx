// A language and culture mediator's deployment log (Münster), filled in
// standing in the Kita: which Kita, which languages, with whom, which topics,
// whether a follow-up is needed, and the family's district (reports count
// mediation by district). Anonymous by default; it may be linked to a case
// that has a covering consent on this tablet. Its fields; the lifecycle is the
// shared record form's (features/workflows).
import { useCallback } from 'react';
import { Controller, useController, useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import {
  MEDIATION_NOTE_MAX_LENGTH,
  MEDIATION_TOPICS,
  MEDIATION_WITH,
  mediationContentSchema,
  type MediationContent,
} from '@shared/records/mediation';
import { FAMILY_LANGUAGES, LANGUAGE_AUTONYMS, textDirection } from '@shared/languages';
import { localIsoDate } from '@domain/dates';
import { ChoiceChips } from '../../forms/ChoiceChips';
import { chipOptions } from '../../forms/chip-options';
import { SiteChips } from '../../forms/SiteChips';
import { useHomeSites } from '../../forms/useHomeSites';
import { YesNoChips } from '../../forms/YesNoChips';
import { useRhfRecordForm } from '../../forms/useRhfRecordForm';
import { useSchemaMessages } from '../../forms/schema-messages';
import { RecordFormShell } from '../workflows/RecordFormShell';
import { withDistrict } from '../district/DistrictField';
import { WORKFLOWS, type WorkflowFormProps } from '../workflows/registry';

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

/** Only the keys that carry a value: no empty note, no district left "not stated". */
function toContent(content: MediationContent): MediationContent {
  const { note, district, ...rest } = content;
  return { ...rest, ...withDistrict(district), ...(note !== undefined && note.trim() !== '' ? { note } : {}) };
}

function fromRecord(record: { content: MediationContent }): Partial<MediationContent> {
  return { note: '', ...record.content };
}

export function MediationForm(props: WorkflowFormProps<'mediation'>) {
  const { t } = useTranslation('mediation');
  const { loaded, sites, siteIds } = useHomeSites();
  const errorText = useSchemaMessages('mediation');
  const defaults = useCallback(() => mediationDefaults(new Date(), siteIds), [siteIds]);
  const {
    values: {
      register,
      control,
      formState: { errors },
    },
    form,
    onSubmit,
  } = useRhfRecordForm<'mediation', MediationContent>({
    workflow: WORKFLOWS.mediation,
    props,
    schema: mediationContentSchema,
    defaults,
    fromRecord,
    toContent,
    ready: loaded,
  });
  const note = useWatch({ control, name: 'note' }) ?? '';
  const { field: district } = useController({ control, name: 'district' });

  return (
    <RecordFormShell
      form={form}
      ns="mediation"
      title={props.correction ? t('forms.mediation', { ns: 'records' }) : t('new')}
      titleId="mediation-title"
      onSubmit={(event) => void onSubmit(event)}
      district={{ value: district.value, onChange: district.onChange }}
      note={{
        id: 'mediation-note',
        maxLength: MEDIATION_NOTE_MAX_LENGTH,
        field: register('note'),
        text: note,
        error: errorText(errors.note),
      }}
    >
      <SiteChips legend={t('fields.site')} sites={sites} field={register('site')} error={errorText(errors.site)} noSites={t('noSites')} />

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
        options={chipOptions(MEDIATION_WITH, (who) => t(`with.${who}`))}
        field={register('with')}
        error={errorText(errors.with)}
      />

      <ChoiceChips
        legend={t('fields.topics')}
        type="checkbox"
        options={chipOptions(MEDIATION_TOPICS, (topic) => t(`topics.${topic}`))}
        field={register('topics')}
        error={errorText(errors.topics)}
      />

      <Controller
        control={control}
        name="followUpNeeded"
        render={({ field }) => <YesNoChips legend={t('fields.followUpNeeded')} field={field} yesLabel={t('yes')} noLabel={t('no')} />}
      />
    </RecordFormShell>
  );
}
