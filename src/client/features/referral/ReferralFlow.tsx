// On the tablet, with the family: choose one or more offers from the
// catalogue (pulled at sync, used offline), save the referral record, and
// show the referral slip in the family's language (on screen and printed).
// Where the municipality requires it (the default), the partner sees the referral only after a
// colleague's second check; the slip is handed over at once and the screen says so.
// Nothing about the family is recorded but the case number, the offers, the
// slip's language and — only if the family agrees — a note for the partner.
// Warm handover: only if the family explicitly asks a partner to call back,
// the number is sealed at once to that partner's keys (CallbackRequest) and
// leaves this tablet with the referral; the tablet itself cannot read it.
// The offers the source record suggested come first, the rest grouped by type
// (ReferralOfferChoice). Each offer on the slip gets a slip code drawn here, offline: the partner
// confirms with it and the offer's partner key (docs/REFERRALS.md); it leaves
// with the record, beside its content, and the server keeps only a hash.
import { useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { newReferralRecord } from '@domain/record-envelope';
import { DEFAULT_FOUR_EYES_POLICY, needsSecondCheck } from '@domain/four-eyes';
import { generateSlipCode } from '@domain/slip-code';
import { arrangeReferralOffers } from '@domain/referral-offers';
import { referralSuggestion, type ReferralSuggestion } from '@domain/referral-sources';
import { localIsoDate } from '@domain/home-contact';
import { FAMILY_LANGUAGES, LANGUAGE_AUTONYMS, type FamilyLanguage } from '@shared/languages';
import type { CatalogOffer } from '@shared/offers';
import { REFERRAL_NOTE_MAX_LENGTH, MAX_OFFERS_PER_REFERRAL } from '@shared/records/referral';
import type { CallbackKeys } from '@shared/handover-api';
import { useAppServices } from '../../app/AppContext';
import { PersonalDataHint } from '../../forms/PersonalDataHint';
import { TextLimit } from '../../forms/TextLimit';
import { ReferralSlip } from './ReferralSlip';
import { CallbackRequest, sealCallback, type CallbackChoice } from './CallbackRequest';
import { legacyOfferTypeLabel } from '../welcome-visit/offer-types';
import { ReferralOfferChoice } from './ReferralOfferChoice';

export interface ReferralFlowProps {
  caseNumber: string;
  sourceRecordId: string;
  onDone: () => void;
}

export function ReferralFlow({ caseNumber, sourceRecordId, onDone }: ReferralFlowProps) {
  const { t, i18n } = useTranslation('referral');
  const { t: tVisit } = useTranslation('welcome-visit');
  const { storage, sync } = useAppServices();
  const noteId = useId();
  const [offers, setOffers] = useState<readonly CatalogOffer[] | null>(null);
  // What the source record suggested, and about the family (age phase, district): null while loading or without one.
  const [suggestion, setSuggestion] = useState<ReferralSuggestion | null>(null);
  const [sourceCreatedAt, setSourceCreatedAt] = useState<string | null>(null);
  const [callbackKeys, setCallbackKeys] = useState<CallbackKeys>([]);
  const [callback, setCallback] = useState<CallbackChoice | null>(null);
  const [language, setLanguage] = useState<FamilyLanguage>('de');
  const [chosen, setChosen] = useState<readonly string[]>([]);
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<'noOffer' | 'invalidPhone' | 'saveFailed' | null>(null);
  const [saving, setSaving] = useState(false);
  // The moment the screen opened: the capacity's age is counted from it (offline, the tablet's clock).
  const [now] = useState(() => new Date());
  const [saved, setSaved] = useState<{
    offers: CatalogOffer[];
    issuedOn: string;
    callbackFrom: string | null;
    slipCodes: Readonly<Record<string, string>>;
    /** The referral waits for a colleague's second check: the partner sees nothing of it until then. */
    awaitingCheck: boolean;
  } | null>(null);

  useEffect(() => {
    const mounted = { current: true };
    void (async () => {
      const [catalog, records] = await Promise.all([storage.device.offers(), storage.records.recordsForCase(caseNumber)]);
      const consent = records.find((record) => record.envelope?.kind === 'consent')?.envelope;
      const source = records.find((record) => record.id === sourceRecordId);
      if (!mounted.current) return;
      setOffers(catalog?.offers ?? []);
      setSuggestion(source?.envelope ? referralSuggestion(source.envelope) : null);
      setSourceCreatedAt(source?.createdAt ?? null);
      setCallbackKeys(catalog?.callbackKeys ?? []);
      if (consent?.kind === 'consent') setLanguage(consent.content.language);
    })();
    return () => {
      mounted.current = false;
    };
  }, [storage, caseNumber, sourceRecordId]);

  const list = useMemo(
    () =>
      arrangeReferralOffers(offers ?? [], {
        suggestedIds: suggestion?.offerIds ?? [],
        agePhase: suggestion?.agePhase,
        district: suggestion?.district,
      }),
    [offers, suggestion],
  );

  const save = async () => {
    if (chosen.length === 0) {
      setProblem('noOffer');
      return;
    }
    // A call-back only for a chosen offer with keys, and only with a valid number: else nothing is saved.
    const wanted = callback !== null && chosen.includes(callback.offerId) ? callback : null;
    if (wanted !== null && !wanted.phoneValid) {
      setProblem('invalidPhone');
      return;
    }
    setProblem(null);
    setSaving(true);
    try {
      const trimmed = note.trim();
      const record = await newReferralRecord(
        {
          sourceRecordId,
          offerIds: [...chosen],
          language,
          slipHandedOver: true,
          ...(trimmed === '' ? {} : { sharedNote: trimmed }),
          ...(wanted === null ? {} : { callbackOfferId: wanted.offerId }),
        },
        caseNumber,
        { deviceId: await storage.device.deviceId(), now: new Date() },
      );
      const slipCodes = chosen.map((offerId) => ({ offerId, code: generateSlipCode() }));
      const withCodes = { ...record, slipCodes };
      const sealed = wanted === null ? withCodes : { ...withCodes, warmHandover: await sealCallback(wanted, record.id, callbackKeys) };
      await storage.records.saveRecord(sealed);
      const policy = (await storage.device.config())?.fourEyes ?? DEFAULT_FOUR_EYES_POLICY;
      setCallback(null); // the number leaves memory with the form
      sync.trigger();
      const chosenOffers = (offers ?? []).filter((offer) => chosen.includes(offer.id));
      setSaved({
        offers: chosenOffers,
        issuedOn: localIsoDate(new Date()),
        callbackFrom: wanted === null ? null : (chosenOffers.find((offer) => offer.id === wanted.offerId)?.organisation ?? null),
        slipCodes: Object.fromEntries(slipCodes.map((entry) => [entry.offerId, entry.code])),
        awaitingCheck: needsSecondCheck(sealed, policy),
      });
    } catch {
      setProblem('saveFailed');
    } finally {
      setSaving(false);
    }
  };

  if (saved !== null) {
    return (
      <section className="card" aria-labelledby="referral-slip-screen-title">
        <h1 id="referral-slip-screen-title">{t('tablet.slipTitle')}</h1>
        <p className="notice" role="status">
          {t('tablet.saved')}
        </p>
        {saved.awaitingCheck && (
          <p className="notice" data-testid="referral-awaiting-check">
            {t('tablet.awaitingCheck')}
          </p>
        )}
        {saved.callbackFrom !== null && (
          <p className="notice" data-testid="callback-saved">
            {t('tablet.callback.saved', { organisation: saved.callbackFrom })}
          </p>
        )}
        <ReferralSlip
          caseNumber={caseNumber}
          offers={saved.offers}
          language={language}
          issuedOn={saved.issuedOn}
          slipCodes={saved.slipCodes}
          origin={window.location.origin}
        />
        <div className="actions">
          <button
            type="button"
            className="button"
            onClick={() => {
              window.print();
            }}
          >
            {t('tablet.print')}
          </button>
          <button type="button" className="button button--primary" onClick={onDone}>
            {t('tablet.done')}
          </button>
        </div>
      </section>
    );
  }

  return (
    <section className="card" aria-labelledby="referral-flow-title" data-testid="referral-flow">
      <h1 id="referral-flow-title">{t('tablet.title')}</h1>
      <p>
        <bdi dir="ltr" className="case-number-text">
          {caseNumber}
        </bdi>
      </p>
      {suggestion !== null && sourceCreatedAt !== null && (
        <p className="hint" data-testid="referral-source">
          {t(`tablet.source.${suggestion.reason}`, {
            date: new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' }).format(new Date(sourceCreatedAt)),
          })}
        </p>
      )}
      {offers === null ? (
        <p className="loading" role="status">
          {t('loading')}
        </p>
      ) : offers.length === 0 ? (
        <p className="notice">{t('tablet.noCatalog')}</p>
      ) : (
        <ReferralOfferChoice
          list={list}
          reason={suggestion?.reason ?? null}
          recommendedTypes={(suggestion?.offerTypes ?? []).map((type) => legacyOfferTypeLabel(type, tVisit))}
          chosen={chosen}
          max={MAX_OFFERS_PER_REFERRAL}
          now={now}
          onToggle={(offerId) => {
            setChosen((current) => (current.includes(offerId) ? current.filter((id) => id !== offerId) : [...current, offerId]));
          }}
        />
      )}
      <div className="field">
        <label htmlFor="referral-language">{t('tablet.language')}</label>
        <select
          id="referral-language"
          value={language}
          onChange={(event) => {
            const next = FAMILY_LANGUAGES.find((lang) => lang === event.target.value);
            if (next) setLanguage(next);
          }}
        >
          {FAMILY_LANGUAGES.map((lang) => (
            <option key={lang} value={lang} lang={lang}>
              {LANGUAGE_AUTONYMS[lang]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={noteId}>{t('tablet.note')}</label>
        <textarea
          id={noteId}
          maxLength={REFERRAL_NOTE_MAX_LENGTH}
          rows={3}
          value={note}
          aria-describedby={`${noteId}-hint ${noteId}-limit`}
          onChange={(event) => {
            setNote(event.target.value);
          }}
        />
        <p id={`${noteId}-hint`} className="hint">
          {t('tablet.noteHint')}
        </p>
        <TextLimit text={note} max={REFERRAL_NOTE_MAX_LENGTH} id={`${noteId}-limit`} />
        <PersonalDataHint text={note} />
      </div>
      {offers !== null && (
        <CallbackRequest
          offers={offers.filter((offer) => chosen.includes(offer.id))}
          callbackKeys={callbackKeys}
          value={callback}
          onChange={setCallback}
          invalid={problem === 'invalidPhone'}
        />
      )}
      <div role="alert">{problem !== null && <p className="form-error">{t(`tablet.problems.${problem}`)}</p>}</div>
      <div className="actions">
        <button type="button" className="button button--primary" disabled={saving || offers === null} onClick={() => void save()}>
          {t('tablet.save')}
        </button>
        <button type="button" className="button" onClick={onDone}>
          {t('tablet.cancel')}
        </button>
      </div>
    </section>
  );
}
