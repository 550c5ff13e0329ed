// Admin: the municipality's settings — how tablets and the office lock, how long
// a sign-in may last, how long sent
// content stays on them, and which records need the second check
// (four-eyes), what welcome visitors hand over and the acute-danger
// instruction. Tablets receive a change at their next configuration pull.
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { CHECKABLE_KINDS, municipalitySettingsSchema, type MunicipalitySettings } from '@shared/staff-api';
import type { OfficeConnection } from './office-api';
import { FAMILY_CONTACT_MAX_LENGTH } from '@shared/protocol';
import { apiErrorKey, applyServerIssues, fieldErrorKey, type ApiErrorKey } from './office-errors';
import { FormFailure } from './FormFailure';
import { LoadFailure } from './LoadFailure';
import { OfficeField } from './OfficeField';
import { useOfficeData } from './useOfficeData';
import { SafeguardChangePanel } from './SafeguardChangePanel';
import { SAFEGUARD_FIELDS } from '@domain/safeguards';
import { emergencyFromText, emergencyToText, type EmergencyFormError, type EmergencyFormText } from './emergency-settings-form';

type SettingsForm = z.input<typeof municipalitySettingsSchema>;
const FIELDS = [
  'autoLockMinutes',
  'maxUnlockAttempts',
  'retentionDaysAfterSync',
  'officeLockMinutes',
  'officeSessionHours',
  'tabletSessionDays',
  'fourEyesKinds',
  'fourEyesForReferrals',
  'familyContact',
] as const;
const NUMBER_FIELDS = [
  'autoLockMinutes',
  'maxUnlockAttempts',
  'retentionDaysAfterSync',
  'officeLockMinutes',
  'officeSessionHours',
  'tabletSessionDays',
] as const;
const MAX_WELCOME_ITEMS = 20;

type WelcomeItems = NonNullable<MunicipalitySettings['welcomeItems']>;

/** An id for a new item's label: lower-case letters, digits and hyphens, starting with a letter. */
function itemId(label: string, taken: ReadonlySet<string>): string {
  const base =
    label
      .toLowerCase()
      .replace(/ä/g, 'ae')
      .replace(/ö/g, 'oe')
      .replace(/ü/g, 'ue')
      .replace(/ß/g, 'ss')
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^[^a-z]+|-+$/g, '')
      .slice(0, 50) || 'item';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${String(n)}`;
  return id;
}

/** One item per line; an item whose label is unchanged keeps its id (records name ids). */
export function welcomeItemsFromText(text: string, previous: WelcomeItems): WelcomeItems {
  const items: WelcomeItems = [];
  const taken = new Set<string>();
  for (const line of text.split('\n')) {
    const label = line.trim();
    if (label === '' || items.some((item) => item.label === label)) continue;
    const id = previous.find((item) => item.label === label)?.id ?? itemId(label, new Set([...taken, ...previous.map((item) => item.id)]));
    taken.add(id);
    items.push({ id, label });
  }
  return items;
}

function SettingsEditor({ api, initial, onSaved }: { api: OfficeConnection; initial: MunicipalitySettings; onSaved: () => void }) {
  const { t } = useTranslation('office');
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  /** 'held': saved, but some relaxed safeguards wait for a second admin (the server kept their values). */
  const [saved, setSaved] = useState<false | 'applied' | 'held'>(false);
  const [itemsText, setItemsText] = useState((initial.welcomeItems ?? []).map((item) => item.label).join('\n'));
  const [itemsError, setItemsError] = useState(false);
  const [emergency, setEmergency] = useState<EmergencyFormText>(emergencyToText(initial.emergencyInstruction));
  const [emergencyError, setEmergencyError] = useState<EmergencyFormError | null>(null);
  const setEmergencyText = (change: Partial<EmergencyFormText>) => {
    setEmergency((current) => ({ ...current, ...change }));
  };
  const emergencyErrorText = (field: EmergencyFormError['field']): string | undefined => {
    if (emergencyError?.field !== field) return undefined;
    switch (emergencyError.key) {
      case 'tooLong':
        return t('settings.emergency.errors.tooLong', { max: emergencyError.max });
      case 'lineFormat':
      case 'invalidPhone':
      case 'labelTooLong':
        return t(`settings.emergency.errors.${emergencyError.key}`, { line: emergencyError.line });
      default:
        return t(`settings.emergency.errors.${emergencyError.key}`);
    }
  };
  const {
    register,
    handleSubmit,
    reset,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<SettingsForm, unknown, MunicipalitySettings>({
    resolver: zodResolver(municipalitySettingsSchema),
    defaultValues: initial,
  });

  useEffect(() => {
    reset(initial);
  }, [initial, reset]);

  const onSubmit = handleSubmit(async (body) => {
    setFailure(null);
    setSaved(false);
    const items = welcomeItemsFromText(itemsText, initial.welcomeItems ?? []);
    const tooLong = items.length > MAX_WELCOME_ITEMS || items.some((item) => item.label.length > 120);
    setItemsError(tooLong);
    if (tooLong) return;
    // Sent once a number is entered (or one was stored): a municipality that never
    // touches it keeps the built-in instruction and can still change its other settings.
    const touched = initial.emergencyInstruction !== undefined || emergency.contacts.trim() !== '';
    const instruction = touched ? emergencyFromText(emergency) : undefined;
    setEmergencyError(instruction && !instruction.ok ? instruction.error : null);
    if (instruction && !instruction.ok) return;
    const { emergencyInstruction: _stored, ...rest } = body;
    try {
      const stored = await api.updateSettings({
        ...rest,
        welcomeItems: items,
        ...(instruction ? { emergencyInstruction: instruction.value } : {}),
      });
      reset(stored);
      setItemsText((stored.welcomeItems ?? []).map((item) => item.label).join('\n'));
      setEmergency(emergencyToText(stored.emergencyInstruction));
      const held = SAFEGUARD_FIELDS.some((field) => JSON.stringify(stored[field]) !== JSON.stringify(rest[field]));
      setSaved(held ? 'held' : 'applied');
      onSaved();
    } catch (error) {
      applyServerIssues(error, FIELDS, setError);
      setFailure(apiErrorKey(error, 'load'));
    }
  });

  return (
    <form className="office-form" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="office-settings-title">
      {NUMBER_FIELDS.map((name) => (
        <OfficeField
          key={name}
          id={`office-settings-${name}`}
          label={t(`settings.${name}`)}
          hint={t(`settings.${name}Hint`)}
          error={errors[name] && t(fieldErrorKey(errors[name].message))}
        >
          {(control) => <input {...control} type="number" inputMode="numeric" {...register(name, { valueAsNumber: true })} />}
        </OfficeField>
      ))}
      <fieldset className="choice-group">
        <legend>{t('settings.fourEyesKinds')}</legend>
        <p className="hint">{t('settings.fourEyesKindsHint')}</p>
        <div className="choices">
          {CHECKABLE_KINDS.map((kind) => (
            <label key={kind} className="choice">
              <input type="checkbox" value={kind} {...register('fourEyesKinds')} />
              <span>{t(`settings.kinds.${kind}`)}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <label className="choice">
        <input type="checkbox" {...register('fourEyesForReferrals')} />
        <span>{t('settings.fourEyesForReferrals')}</span>
      </label>
      <OfficeField
        id="office-settings-welcome-items"
        label={t('settings.welcomeItems')}
        hint={t('settings.welcomeItemsHint')}
        error={itemsError ? t('settings.welcomeItemsTooMany') : undefined}
      >
        {(control) => (
          <textarea
            {...control}
            rows={5}
            value={itemsText}
            onChange={(e) => {
              setItemsText(e.target.value);
            }}
          />
        )}
      </OfficeField>
      <OfficeField
        id="office-settings-family-contact"
        label={t('settings.familyContact')}
        hint={t('settings.familyContactHint')}
        error={errors.familyContact && t('settings.familyContactTooLong', { max: FAMILY_CONTACT_MAX_LENGTH })}
      >
        {(control) => <input {...control} type="text" maxLength={FAMILY_CONTACT_MAX_LENGTH} {...register('familyContact')} />}
      </OfficeField>
      <fieldset className="office-settings__emergency">
        <legend>{t('settings.emergency.legend')}</legend>
        <p className="hint">{t('settings.emergency.hint')}</p>
        <OfficeField
          id="office-settings-emergency-contacts"
          label={t('settings.emergency.contacts')}
          hint={t('settings.emergency.contactsHint')}
          error={emergencyErrorText('contacts')}
        >
          {(control) => (
            <textarea
              {...control}
              rows={4}
              dir="auto"
              value={emergency.contacts}
              onChange={(e) => {
                setEmergencyText({ contacts: e.target.value });
              }}
            />
          )}
        </OfficeField>
        <OfficeField
          id="office-settings-emergency-title"
          label={t('settings.emergency.title')}
          hint={t('settings.emergency.defaultIs', { text: t('emergency.title', { ns: 'screening' }) })}
          error={emergencyErrorText('title')}
        >
          {(control) => (
            <input
              {...control}
              type="text"
              value={emergency.title}
              onChange={(e) => {
                setEmergencyText({ title: e.target.value });
              }}
            />
          )}
        </OfficeField>
        <OfficeField
          id="office-settings-emergency-intro"
          label={t('settings.emergency.intro')}
          hint={t('settings.emergency.defaultIs', { text: t('emergency.intro', { ns: 'screening' }) })}
          error={emergencyErrorText('intro')}
        >
          {(control) => (
            <textarea
              {...control}
              rows={3}
              value={emergency.intro}
              onChange={(e) => {
                setEmergencyText({ intro: e.target.value });
              }}
            />
          )}
        </OfficeField>
        <label className="choice">
          <input
            type="checkbox"
            checked={emergency.discreet}
            onChange={(e) => {
              setEmergencyText({ discreet: e.target.checked });
            }}
          />
          <span>{t('settings.emergency.discreet')}</span>
        </label>
        <OfficeField
          id="office-settings-emergency-discreet-title"
          label={t('settings.emergency.discreetTitle')}
          hint={t('settings.emergency.defaultIs', { text: t('emergency.discreetTitle', { ns: 'screening' }) })}
          error={emergencyErrorText('discreetTitle')}
        >
          {(control) => (
            <input
              {...control}
              type="text"
              value={emergency.discreetTitle}
              onChange={(e) => {
                setEmergencyText({ discreetTitle: e.target.value });
              }}
            />
          )}
        </OfficeField>
      </fieldset>
      <FormFailure failure={failure} />
      {saved !== false && (
        <p className="notice" role="status">
          {saved === 'held' ? t('settings.savedHeld') : t('settings.saved')}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={isSubmitting}>
          {t('settings.submit')}
        </button>
      </div>
    </form>
  );
}

export function SettingsPanel({ api }: { api: OfficeConnection }) {
  const { t } = useTranslation('office');
  const { data, reload } = useOfficeData(() => api.settings());
  // Each save may leave a change waiting for a second admin: the panel then loads it afresh.
  const [saves, setSaves] = useState(0);
  return (
    <section className="card office-panel" aria-labelledby="office-settings-title">
      <h2 id="office-settings-title">{t('settings.title')}</h2>
      {data.state === 'loading' && (
        <p className="loading" role="status">
          {t('loading')}
        </p>
      )}
      {data.state === 'failed' && <LoadFailure error={data.error} onRetry={reload} />}
      <SafeguardChangePanel key={saves} api={api} onDecided={reload} />
      {data.state === 'loaded' && (
        <SettingsEditor
          api={api}
          initial={data.value}
          onSaved={() => {
            setSaves((n) => n + 1);
          }}
        />
      )}
    </section>
  );
}
