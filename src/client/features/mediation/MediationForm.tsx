// A language and culture mediator's deployment log (Münster), filled in
// standing in the Kita: which Kita, which languages, with whom, which topics,
// whether a follow-up is needed, and the family's district (reports count
// mediation by district). Anonymous by default; it may be linked to a case
// that has a covering consent on this tablet. Its fields; the lifecycle is the
// shared record form's (features/workflows).
import { useCallback } from 'react';
import { Controller, useController } from 'react-hook-form';
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
import { ChipsField } from '../../forms/ChipsField';
import { SiteChips } from '../../forms/SiteChips';
import { useHomeSites } from '../../forms/useHomeSites';
import { YesNoChips } from '../../forms/YesNoChips';
import { useRhfRecordForm } from '../../forms/useRhfRecordForm';
import { DateField, useNoteBinding } from '../../forms/record-fields';
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

/** The content schema and how a record's content maps to the form's values and back. */
const FIELDS = { schema: mediationContentSchema, fromRecord, toContent };

export function MediationForm(props: WorkflowFormProps<'mediation'>) {
  const { t } = useTranslation('mediation');
  const { loaded: ready, sites, siteIds } = useHomeSites();
  const errorText = useSchemaMessages('mediation');
  const defaults = useCallback(() => mediationDefaults(new Date(), siteIds), [siteIds]);
  const { values, form, onSubmit } = useRhfRecordForm({ workflow: WORKFLOWS.mediation, props, ...FIELDS, defaults, ready });
  const { register, control, formState } = values;
  const { errors } = formState;
  const note = useNoteBinding(values, 'mediation', 'mediation-note', MEDIATION_NOTE_MAX_LENGTH);
  const { field: district } = useController({ control, name: 'district' });

  return (
    <RecordFormShell
      form={form}
      ns="mediation"
      title={props.correction ? t('forms.mediation', { ns: 'records' }) : t('new')}
      titleId="mediation-title"
      onSubmit={(event) => void onSubmit(event)}
      district={{ value: district.value, onChange: district.onChange }}
      note={note}
    >
      <SiteChips legend={t('fields.site')} sites={sites} field={register('site')} error={errorText(errors.site)} noSites={t('noSites')} />

      <DateField form={values} ns="mediation" name="date" id="mediation-date" />

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

      <ChipsField form={values} ns="mediation" name="with" type="radio" values={MEDIATION_WITH} />

      <ChipsField form={values} ns="mediation" name="topics" type="checkbox" values={MEDIATION_TOPICS} />

      <Controller
        control={control}
        name="followUpNeeded"
        render={({ field }) => <YesNoChips legend={t('fields.followUpNeeded')} field={field} yesLabel={t('yes')} noLabel={t('no')} />}
      />
    </RecordFormShell>
  );
}
