// Logging a HOME contact in the foyer: a handful of taps for the common case.
// Its fields; the lifecycle (draft, case link, note, save) is the shared
// record form's (features/workflows).
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CONTACT_KINDS,
  HOME_NOTE_MAX_LENGTH,
  HOME_TOPICS,
  TIME_SLOTS,
  homeContactContentSchema,
  type HomeContactContent,
} from '@shared/records/home-contact';
import { SPOKEN_LANGUAGES } from '@shared/languages';
import { homeContactDefaults } from '@domain/home-contact';
import { ChipsField } from '../../forms/ChipsField';
import { SiteChips } from '../../forms/SiteChips';
import { useHomeSites } from '../../forms/useHomeSites';
import { useRhfRecordForm } from '../../forms/useRhfRecordForm';
import { DateField, useNoteBinding } from '../../forms/record-fields';
import { useSchemaMessages } from '../../forms/schema-messages';
import { RecordFormShell } from '../workflows/RecordFormShell';
import { WORKFLOWS, type WorkflowFormProps } from '../workflows/registry';

/** The content schema and how a record's content maps to the form's values and back (here: one to one). */
const FIELDS = {
  schema: homeContactContentSchema,
  fromRecord: (record: { content: HomeContactContent }): HomeContactContent => record.content,
  toContent: (content: HomeContactContent): HomeContactContent => content,
};

export function HomeContactForm(props: WorkflowFormProps<'homeContact'>) {
  const { t } = useTranslation('home-contact');
  const { loaded: ready, sites, siteIds } = useHomeSites();
  const errorText = useSchemaMessages('home-contact');
  // Today's defaults, with the site preselected when there is only one.
  const defaults = useCallback(() => homeContactDefaults(new Date(), siteIds), [siteIds]);
  const { values, form, onSubmit } = useRhfRecordForm({ workflow: WORKFLOWS.homeContact, props, ...FIELDS, defaults, ready });
  const { register, formState } = values;
  const { errors } = formState;
  const note = useNoteBinding(values, 'home-contact', 'note', HOME_NOTE_MAX_LENGTH);

  return (
    <RecordFormShell
      form={form}
      ns="home-contact"
      title={t('title')}
      titleId="home-contact-title"
      onSubmit={(event) => void onSubmit(event)}
      note={note}
    >
      <SiteChips legend={t('fields.site')} sites={sites} field={register('site')} error={errorText(errors.site)} noSites={t('noSites')} />

      <div className="field-row">
        <DateField form={values} ns="home-contact" name="contactDate" id="contactDate" />
        <ChipsField form={values} ns="home-contact" name="timeSlot" type="radio" values={TIME_SLOTS} />
      </div>

      <ChipsField form={values} ns="home-contact" name="contactKind" type="radio" values={CONTACT_KINDS} />

      <ChipsField form={values} ns="home-contact" name="topics" type="checkbox" values={HOME_TOPICS} />

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
    </RecordFormShell>
  );
}
