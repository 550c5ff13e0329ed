// Coordination: the local network's offer catalogue — list, add, change (with
// the partner organisation that confirms uptake), remove, and the spreadsheet
// file (OfferFileTransfer: CSV or .xlsx, previewed before import). Tablets get
// every change at their next sync.
import { useMemo, useState, type SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { AGE_PHASES, OFFER_FIELDS, OFFER_TYPES, compactTranslations } from '@shared/offers';
import { FAMILY_LANGUAGES, LANGUAGE_AUTONYMS, isFamilyLanguage } from '@shared/languages';
import { offerRequestSchema, type ManagedOffer } from '@shared/referral-api';
import type { OfficeConnection } from '../office/office-api';
import { RequestError } from '../../http/request';
import { apiErrorKey, type ApiErrorKey } from '../office/office-errors';
import { ConfirmBox } from '../office/ConfirmBox';
import { FormFailure } from '../office/FormFailure';
import { LoadFailure } from '../office/LoadFailure';
import { useOfficeData } from '../office/useOfficeData';
import { referralOfficeApi } from './referral-office-api';
import { OfferFileTransfer } from './OfferFileTransfer';
import { OfferCapacityNote } from './OfferCapacityNote';
import { OfferTranslationsFields } from './OfferTranslationsFields';
import type { OfferCapacity } from '@shared/offer-capacity';

const EMPTY: ManagedOffer = {
  id: '',
  name: '',
  organisation: '',
  type: 'familienbildung',
  agePhases: [],
  fields: [],
  districts: [],
  languages: ['de'],
  cost: '',
  address: '',
  phone: '',
  hours: '',
  whatToBring: '',
  directions: '',
  translations: {},
  partnerOrganisationId: null,
};

const TEXT_FIELDS = ['name', 'organisation', 'cost', 'address', 'phone', 'hours', 'whatToBring', 'directions'] as const;

function toggle<T>(list: readonly T[], value: T): T[] {
  return list.includes(value) ? list.filter((item) => item !== value) : [...list, value];
}

export function OfferCatalogPanel({ api }: { api: OfficeConnection }) {
  const { t } = useTranslation('referral');
  const client = useMemo(() => referralOfficeApi(api), [api]);
  const { data, reload } = useOfficeData(async () => {
    const [{ offers, capacities }, organisations] = await Promise.all([client.catalogue(), client.partnerOrganisations()]);
    return { offers, capacities, organisations };
  });
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState<ManagedOffer>(EMPTY);
  const [districtsText, setDistrictsText] = useState('');
  const [invalid, setInvalid] = useState<readonly string[]>([]);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [removing, setRemoving] = useState<ManagedOffer | null>(null);

  const startEdit = (offer: ManagedOffer | null) => {
    setDraft({ ...EMPTY, ...offer });
    setDistrictsText((offer ?? EMPTY).districts.join(', '));
    setEditing(offer === null ? 'new' : offer.id);
    setInvalid([]);
    setFailure(null);
    setNotice(null);
  };

  const run = async (action: () => Promise<unknown>, done: string): Promise<boolean> => {
    setBusy(true);
    setFailure(null);
    setNotice(null);
    try {
      await action();
      setNotice(done);
      reload();
      return true;
    } catch (error) {
      if (error instanceof RequestError) setInvalid(error.issues.map((issue) => issue.path));
      setFailure(apiErrorKey(error, 'load'));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const save = async (event: SyntheticEvent) => {
    event.preventDefault();
    const candidate = {
      ...draft,
      districts: districtsText
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== ''),
      translations: compactTranslations(draft.translations),
    };
    const parsed = offerRequestSchema.safeParse(candidate);
    if (!parsed.success) {
      setInvalid(parsed.error.issues.map((issue) => issue.path.map(String).join('.')));
      return;
    }
    setInvalid([]);
    const ok = await run(
      () => (editing === 'new' ? client.createOffer(parsed.data) : client.updateOffer(parsed.data)),
      t('catalog.saved', { name: parsed.data.name }),
    );
    if (ok) setEditing(null);
  };

  // An issue's path names the field (`name`) or a part of it (`translations.ar.cost`, `agePhases.0`).
  const fieldError = (name: string) =>
    invalid.some((path) => path === name || path.startsWith(`${name}.`)) ? t('catalog.fieldInvalid') : undefined;
  // A translation's usual problem is a missing German text: say so there.
  const translationError = (path: string) => {
    if (fieldError(path) === undefined) return undefined;
    const field = path.split('.')[2] ?? '';
    return (TEXT_FIELDS as readonly string[]).includes(field) && (draft[field as (typeof TEXT_FIELDS)[number]] ?? '').trim() === ''
      ? t('catalog.translations.germanFirst')
      : t('catalog.fieldInvalid');
  };

  return (
    <section className="card office-panel" aria-labelledby="offer-catalog-title" data-testid="offer-catalog">
      <h2 id="offer-catalog-title">{t('catalog.title')}</h2>
      <p className="hint">{t('catalog.intro')}</p>
      <div className="actions">
        <button
          type="button"
          className="button button--primary"
          onClick={() => {
            startEdit(null);
          }}
        >
          {t('catalog.add')}
        </button>
      </div>
      <OfferFileTransfer client={client} onImported={reload} />
      <FormFailure failure={failure} />
      <div role="status">{notice !== null && <p className="notice">{notice}</p>}</div>

      {removing !== null && (
        <ConfirmBox
          title={t('catalog.confirmRemoveTitle', { name: removing.name })}
          confirmLabel={t('catalog.remove')}
          busy={busy}
          error={failure === null ? null : t(failure, { ns: 'office' })}
          onConfirm={() => {
            void run(() => client.removeOffer(removing.id), t('catalog.removed', { name: removing.name })).then((ok) => {
              if (ok) setRemoving(null);
            });
          }}
          onCancel={() => {
            setRemoving(null);
          }}
        >
          {t('catalog.confirmRemove')}
        </ConfirmBox>
      )}
      {editing !== null && (
        <form className="office-form" noValidate onSubmit={(event) => void save(event)} aria-labelledby="offer-form-title">
          <h3 id="offer-form-title">{editing === 'new' ? t('catalog.newTitle') : t('catalog.editTitle', { name: draft.name })}</h3>
          {editing === 'new' && (
            <div className="field">
              <label htmlFor="offer-id">{t('catalog.fields.id')}</label>
              <input
                id="offer-id"
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
                value={draft.id}
                aria-invalid={fieldError('id') ? true : undefined}
                onChange={(event) => {
                  setDraft({ ...draft, id: event.target.value });
                }}
              />
              <p className="hint">{t('catalog.idHint')}</p>
              {fieldError('id') && <p className="field__error">{fieldError('id')}</p>}
            </div>
          )}
          {TEXT_FIELDS.map((name) => (
            <div className="field" key={name}>
              <label htmlFor={`offer-${name}`}>{t(`catalog.fields.${name}`)}</label>
              <input
                id={`offer-${name}`}
                autoComplete="off"
                value={draft[name] ?? ''}
                aria-invalid={fieldError(name) ? true : undefined}
                onChange={(event) => {
                  setDraft({ ...draft, [name]: event.target.value });
                }}
              />
              {fieldError(name) && <p className="field__error">{fieldError(name)}</p>}
            </div>
          ))}
          <OfferTranslationsFields
            german={{ hours: draft.hours, whatToBring: draft.whatToBring, cost: draft.cost, directions: draft.directions ?? '' }}
            translations={draft.translations ?? {}}
            onChange={(translations) => {
              setDraft({ ...draft, translations });
            }}
            errorFor={translationError}
          />
          <div className="field">
            <label htmlFor="offer-type">{t('catalog.fields.type')}</label>
            <select
              id="offer-type"
              value={draft.type}
              onChange={(event) => {
                const type = OFFER_TYPES.find((candidate) => candidate === event.target.value);
                if (type) setDraft({ ...draft, type });
              }}
            >
              {OFFER_TYPES.map((type) => (
                <option key={type} value={type}>
                  {t(`offerTypes.${type}`)}
                </option>
              ))}
            </select>
          </div>
          <fieldset className="field choice-group" aria-invalid={fieldError('agePhases') ? true : undefined}>
            <legend>{t('catalog.fields.agePhases')}</legend>
            {AGE_PHASES.map((phase) => (
              <label key={phase} className="choice">
                <input
                  type="checkbox"
                  checked={draft.agePhases.includes(phase)}
                  onChange={() => {
                    setDraft({ ...draft, agePhases: toggle(draft.agePhases, phase) });
                  }}
                />
                {t(`agePhases.${phase}`)}
              </label>
            ))}
            {fieldError('agePhases') && <p className="field__error">{t('catalog.chooseOne')}</p>}
          </fieldset>
          <fieldset className="field choice-group">
            <legend>{t('catalog.fields.fields')}</legend>
            {OFFER_FIELDS.map((field) => (
              <label key={field} className="choice">
                <input
                  type="checkbox"
                  checked={draft.fields.includes(field)}
                  onChange={() => {
                    setDraft({ ...draft, fields: toggle(draft.fields, field) });
                  }}
                />
                {t(`offerFields.${field}`)}
              </label>
            ))}
            {fieldError('fields') && <p className="field__error">{t('catalog.chooseOne')}</p>}
          </fieldset>
          <fieldset className="field choice-group">
            <legend>{t('catalog.fields.languages')}</legend>
            {FAMILY_LANGUAGES.map((language) => (
              <label key={language} className="choice">
                <input
                  type="checkbox"
                  checked={draft.languages.includes(language)}
                  onChange={() => {
                    setDraft({ ...draft, languages: toggle(draft.languages, language) });
                  }}
                />
                <bdi lang={language}>{LANGUAGE_AUTONYMS[language]}</bdi>
              </label>
            ))}
            {fieldError('languages') && <p className="field__error">{t('catalog.chooseOne')}</p>}
          </fieldset>
          <div className="field">
            <label htmlFor="offer-districts">{t('catalog.fields.districts')}</label>
            <input
              id="offer-districts"
              autoComplete="off"
              value={districtsText}
              aria-invalid={fieldError('districts') ? true : undefined}
              onChange={(event) => {
                setDistrictsText(event.target.value);
              }}
            />
            <p className="hint">{t('catalog.districtsHint')}</p>
            {fieldError('districts') && <p className="field__error">{fieldError('districts')}</p>}
          </div>
          <div className="field">
            <label htmlFor="offer-partner">{t('catalog.fields.partnerOrganisationId')}</label>
            <select
              id="offer-partner"
              value={draft.partnerOrganisationId ?? ''}
              onChange={(event) => {
                setDraft({ ...draft, partnerOrganisationId: event.target.value === '' ? null : event.target.value });
              }}
            >
              <option value="">{t('catalog.noPartner')}</option>
              {data.state === 'loaded' &&
                data.value.organisations.map((organisation) => (
                  <option key={organisation.id} value={organisation.id}>
                    {organisation.name}
                  </option>
                ))}
            </select>
          </div>
          <div className="actions">
            <button type="submit" className="button button--primary" disabled={busy}>
              {t('catalog.save')}
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                setEditing(null);
              }}
            >
              {t('catalog.cancel')}
            </button>
          </div>
        </form>
      )}

      {data.state === 'loading' && (
        <p className="loading" role="status">
          {t('loading')}
        </p>
      )}
      {data.state === 'failed' && <LoadFailure error={data.error} onRetry={reload} />}
      {data.state === 'loaded' && (
        <div className="office-table-wrap">
          <table className="office-table" data-testid="offer-catalog-table">
            <caption>{t('catalog.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('catalog.fields.name')}</th>
                <th scope="col">{t('catalog.fields.type')}</th>
                <th scope="col">{t('catalog.fields.partnerOrganisationId')}</th>
                <th scope="col">{t('capacity.title')}</th>
                <th scope="col">{t('catalog.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {data.value.offers.map((offer) => (
                <tr key={offer.id} data-offer-id={offer.id}>
                  <th scope="row">
                    {offer.name}
                    <br />
                    <span className="hint">{offer.organisation}</span>
                    <br />
                    <span className="hint" data-testid="offer-translated">
                      <TranslatedLanguages offer={offer} />
                    </span>
                  </th>
                  <td>{t(`offerTypes.${offer.type}`)}</td>
                  <td>
                    {data.value.organisations.find((o) => o.id === offer.partnerOrganisationId)?.name ??
                      offer.partnerOrganisationId ??
                      t('catalog.noPartner')}
                    {offer.partnerOrganisationId !== null && (
                      <>
                        <br />
                        <span className="hint" data-testid="offer-callback">
                          {(data.value.organisations.find((o) => o.id === offer.partnerOrganisationId)?.callbackKeys ?? 0) > 0
                            ? t('catalog.callbackPossible')
                            : t('catalog.callbackNotPossible')}
                        </span>
                      </>
                    )}
                  </td>
                  <td data-testid="offer-catalog-capacity">
                    <OfficeCapacity capacity={data.value.capacities.get(offer.id)} />
                  </td>
                  <td>
                    <div className="actions">
                      <button
                        type="button"
                        className="button"
                        aria-label={t('catalog.editFor', { name: offer.name })}
                        onClick={() => {
                          startEdit(offer);
                        }}
                      >
                        {t('catalog.edit')}
                      </button>
                      <button
                        type="button"
                        className="button button--danger"
                        disabled={busy}
                        aria-label={t('catalog.removeFor', { name: offer.name })}
                        onClick={() => {
                          setFailure(null);
                          setRemoving(offer);
                        }}
                      >
                        {t('catalog.remove')}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The partner's free places as the coordinator sees them: figure, age and the tablet's warnings. */
function OfficeCapacity({ capacity }: { capacity: OfferCapacity | undefined }) {
  const { t } = useTranslation('referral');
  if (capacity === undefined) return <span className="hint">{t('capacity.none')}</span>;
  return <OfferCapacityNote capacity={capacity} now={new Date()} compact />;
}

/** Which languages the offer's family texts are translated into, for the catalogue table. */
function TranslatedLanguages({ offer }: { offer: ManagedOffer }) {
  const { t } = useTranslation('referral');
  const languages = Object.keys(compactTranslations(offer.translations)).filter(isFamilyLanguage);
  if (languages.length === 0) return <>{t('catalog.translations.none')}</>;
  return <>{t('catalog.translations.summary', { languages: languages.map((language) => LANGUAGE_AUTONYMS[language]).join(', ') })}</>;
}
