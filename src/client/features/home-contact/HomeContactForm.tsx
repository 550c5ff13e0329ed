// Logging a HOME contact in the foyer: a handful of taps for the common case.
// Its fields; the lifecycle (draft, case link, note, save) is the shared
// record form's (features/workflows). The site of the day's first contact is
// remembered (its id and the date only), and after saving the next contact's
// form opens at once with a confirmation of the one just saved.
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
import { LANGUAGE_AUTONYMS, SPOKEN_LANGUAGES } from '@shared/languages';
import { homeContactDefaults } from '@domain/home-contact';
import { localIsoDate } from '@domain/dates';
import { useAppServices } from '../../app/AppContext';
import { useStoredValue } from '../../app/useStoredValue';
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
  const { t, i18n } = useTranslation('home-contact');
  const { storage } = useAppServices();
  const userId = storage.vault.unlockedUser?.userId;
  const { loaded: sitesLoaded, sites, siteIds } = useHomeSites();
  const siteOfDay = useStoredValue(storage, async (s) => (userId === undefined ? null : ((await s.device.homeSiteOfDay(userId)) ?? null)));
  const ready = sitesLoaded && siteOfDay !== undefined;
  const errorText = useSchemaMessages('home-contact');
  // Today's defaults: the site of today's earlier contacts, else the one site if there is only one.
  const defaults = useCallback(() => homeContactDefaults(new Date(), siteIds, siteOfDay ?? undefined), [siteIds, siteOfDay]);
  const { onDone } = props;
  const withSiteOfDay = {
    ...props,
    onDone: (outcome?: 'saved') => {
      const site = values.getValues('site');
      // Only a new contact's site (a correction may be of another day), and only its id and today's date.
      if (outcome === 'saved' && !props.correction && userId !== undefined && typeof site === 'string' && site !== '') {
        void storage.device.rememberHomeSite(userId, { siteId: site, date: localIsoDate(new Date()) }).finally(() => {
          onDone(outcome);
        });
      } else onDone(outcome);
    },
  };
  const { values, form, onSubmit } = useRhfRecordForm({
    workflow: WORKFLOWS.homeContact,
    props: withSiteOfDay,
    ...FIELDS,
    defaults,
    ready,
  });
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
      formClassName="record-form record-form--quick"
      note={note}
      notice={
        props.savedAt !== undefined && (
          <div className="notice notice--success saved-notice" role="status" data-testid="home-contact-saved">
            <p>
              <strong>{t('saved.title')}</strong>{' '}
              {t('saved.text', { time: new Date(props.savedAt).toLocaleTimeString(i18n.language, { timeStyle: 'short' }) })}
            </p>
            {/* Like "cancel": straight back while nothing was entered for the next contact, else it asks. */}
            <button type="button" className="button" onClick={form.cancel}>
              {t('saved.toOverview')}
            </button>
          </div>
        )
      }
    >
      <SiteChips legend={t('fields.site')} sites={sites} field={register('site')} error={errorText(errors.site)} noSites={t('noSites')} />

      {/* The topic is what changes from one family to the next: right under the site, on the first screen. */}
      <ChipsField form={values} ns="home-contact" name="topics" type="checkbox" values={HOME_TOPICS} />

      <div className="field-row">
        <DateField form={values} ns="home-contact" name="contactDate" id="contactDate" />
        <ChipsField form={values} ns="home-contact" name="timeSlot" type="radio" values={TIME_SLOTS} />
      </div>

      <ChipsField form={values} ns="home-contact" name="contactKind" type="radio" values={CONTACT_KINDS} />

      <div className="field-row">
        <div className="field">
          <label htmlFor="language">{t('fields.language')}</label>
          <select id="language" {...register('language')}>
            {/* Each language by its own name, as in consent and mediation: the family can point at it. */}
            {SPOKEN_LANGUAGES.map((lang) =>
              lang === 'other' ? (
                <option key={lang} value={lang}>
                  {t('spokenLanguage.other')}
                </option>
              ) : (
                <option key={lang} value={lang} lang={lang}>
                  {LANGUAGE_AUTONYMS[lang]}
                </option>
              ),
            )}
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
