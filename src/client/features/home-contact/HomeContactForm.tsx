// Logging a HOME contact in the foyer: a handful of taps for the common case.
// Its fields; the lifecycle (draft, case link, note, save) is the shared
// record form's (features/workflows).
import { useCallback } from 'react';
import { useWatch } from 'react-hook-form';
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
import { ChoiceChips } from '../../forms/ChoiceChips';
import { chipOptions } from '../../forms/chip-options';
import { SiteChips } from '../../forms/SiteChips';
import { useHomeSites } from '../../forms/useHomeSites';
import { useRhfRecordForm } from '../../forms/useRhfRecordForm';
import { useSchemaMessages } from '../../forms/schema-messages';
import { RecordFormShell } from '../workflows/RecordFormShell';
import { WORKFLOWS, type WorkflowFormProps } from '../workflows/registry';

export function HomeContactForm(props: WorkflowFormProps<'homeContact'>) {
  const { t } = useTranslation('home-contact');
  const { loaded, sites, siteIds } = useHomeSites();
  const errorText = useSchemaMessages('home-contact');
  // Today's defaults, with the site preselected when there is only one.
  const defaults = useCallback(() => homeContactDefaults(new Date(), siteIds), [siteIds]);
  const fromRecord = useCallback((record: { content: HomeContactContent }) => record.content, []);
  const toContent = useCallback((content: HomeContactContent) => content, []);
  const {
    values: {
      register,
      control,
      formState: { errors },
    },
    form,
    onSubmit,
  } = useRhfRecordForm<'homeContact', HomeContactContent>({
    workflow: WORKFLOWS.homeContact,
    props,
    schema: homeContactContentSchema,
    defaults,
    fromRecord,
    toContent,
    ready: loaded,
  });
  const note = useWatch({ control, name: 'note' }) ?? '';

  return (
    <RecordFormShell
      form={form}
      ns="home-contact"
      title={t('title')}
      titleId="home-contact-title"
      onSubmit={(event) => void onSubmit(event)}
      note={{ id: 'note', maxLength: HOME_NOTE_MAX_LENGTH, field: register('note'), text: note, error: errorText(errors.note) }}
    >
      <SiteChips legend={t('fields.site')} sites={sites} field={register('site')} error={errorText(errors.site)} noSites={t('noSites')} />

      <div className="field-row">
        <div className="field">
          <label htmlFor="contactDate">{t('fields.contactDate')}</label>
          <input id="contactDate" type="date" {...register('contactDate')} />
          {errors.contactDate && <p className="field__error">{errorText(errors.contactDate)}</p>}
        </div>
        <ChoiceChips
          legend={t('fields.timeSlot')}
          type="radio"
          options={chipOptions(TIME_SLOTS, (slot) => t(`timeSlot.${slot}`))}
          field={register('timeSlot')}
        />
      </div>

      <ChoiceChips
        legend={t('fields.contactKind')}
        type="radio"
        options={chipOptions(CONTACT_KINDS, (kind) => t(`contactKind.${kind}`))}
        field={register('contactKind')}
        error={errorText(errors.contactKind)}
      />

      <ChoiceChips
        legend={t('fields.topics')}
        type="checkbox"
        options={chipOptions(HOME_TOPICS, (topic) => t(`topics.${topic}`))}
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
    </RecordFormShell>
  );
}
