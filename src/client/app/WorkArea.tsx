// Everything a person sees once they unlocked the tablet. It only exists
// while the vault is unlocked: locking unmounts it, and with it every
// decrypted value held in React state.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { preloadable } from './preloadable';
import { ensureSigningKeyEnrolled } from '../sync/signing-key-enrollment';
import { useAppServices } from './AppContext';
import { lockApp } from './lock';
import { Overview, type WorkView } from './Overview';

import { SyncStatusBar } from './SyncStatusBar';
import { useAutoLock } from './useAutoLock';
import { useStoredValue } from './useStoredValue';
import { WorkNavigationContext, type WorkNavigation } from './WorkNavigation';
import { NEW_RECORD_DRAFTS, canCorrect, parseDraftId, type CorrectionTarget, type NewRecordForm } from '../features/records/work-items';

const DEFAULT_AUTO_LOCK_MINUTES = 5;

// Loaded when first opened (precached by the service worker, so offline too).
// Each workflow screen is its own chunk (a fast first screen); all of them
// are fetched once the work area is idle, so the first tap on a workflow does
// not wait for its code (precached by the service worker, so offline too).
const screens = {
  consent: preloadable(() => import('../features/consent/ConsentFlow').then((m) => m.ConsentFlow)),
  homeContact: preloadable(() => import('../features/home-contact/HomeContactForm').then((m) => m.HomeContactForm)),
  firstSignIn: preloadable(() => import('../features/access/FirstSignInScreen').then((m) => m.FirstSignInScreen)),
  screening: preloadable(() => import('../features/screening/ScreeningForm').then((m) => m.ScreeningForm)),
  welcomeVisit: preloadable(() => import('../features/welcome-visit/WelcomeVisitForm').then((m) => m.WelcomeVisitForm)),
  mediation: preloadable(() => import('../features/mediation/MediationForm').then((m) => m.MediationForm)),
  findCase: preloadable(() => import('../features/consent/FindCaseScreen').then((m) => m.FindCaseScreen)),
  withdraw: preloadable(() => import('../features/consent/WithdrawConsentFlow').then((m) => m.WithdrawConsentFlow)),
  secondCheck: preloadable(() => import('../features/approval/SecondCheckFlow').then((m) => m.SecondCheckFlow)),
  reviewQueue: preloadable(() => import('../features/approval/ReviewQueueScreen').then((m) => m.ReviewQueueScreen)),
  referral: preloadable(() => import('../features/referral/ReferralFlow').then((m) => m.ReferralFlow)),
};
const ConsentFlow = screens.consent.Screen;
const HomeContactForm = screens.homeContact.Screen;
const FirstSignInScreen = screens.firstSignIn.Screen;
const ScreeningForm = screens.screening.Screen;
const WelcomeVisitForm = screens.welcomeVisit.Screen;
const MediationForm = screens.mediation.Screen;
const FindCaseScreen = screens.findCase.Screen;
const WithdrawConsentFlow = screens.withdraw.Screen;
const SecondCheckFlow = screens.secondCheck.Screen;
const ReviewQueueScreen = screens.reviewQueue.Screen;
const ReferralFlow = screens.referral.Screen;
const PRELOAD_DELAY_MS = 500;

type View = 'overview' | 'renewSession' | 'secondCheck' | 'correction' | 'referral' | WorkView;

/** The form of each new-record draft. */
const FORM_VIEWS: Record<NewRecordForm, WorkView> = {
  homeContact: 'newHomeContact',
  mediation: 'mediation',
  welcomeVisit: 'welcomeVisit',
  screening: 'screening',
};

/** Forms whose draft, left by a reload, crash, lock or update, reopens them. */
const DRAFT_FORMS = (Object.entries(NEW_RECORD_DRAFTS) as [NewRecordForm, string][]).map(([form, draftId]) => [draftId, FORM_VIEWS[form]] as const);

export function WorkArea({ deviceId }: { deviceId: string }) {
  const { storage } = useAppServices();
  const [view, setView] = useState<View>('overview');
  const [caseNumber, setCaseNumber] = useState<string | undefined>(undefined);
  const [reviewRecordId, setReviewRecordId] = useState<string | undefined>(undefined);
  const [correction, setCorrection] = useState<CorrectionTarget | null>(null);
  const [referralSource, setReferralSource] = useState<string | undefined>(undefined);
  const config = useStoredValue(storage, (s) => s.device.config());
  const onIdle = useCallback(() => void lockApp(storage), [storage]);
  useAutoLock(config?.security.autoLockMinutes ?? DEFAULT_AUTO_LOCK_MINUTES, onIdle);

  // A draft is left behind only by a reload, a crash, a lock or an app update
  // (saving and cancelling both remove it): reopen its form so the work continues.
  useEffect(() => {
    void (async () => {
      for (const [draftId, formView] of DRAFT_FORMS) {
        if ((await storage.drafts.load(draftId)) !== undefined) {
          setView((current) => (current === 'overview' ? formView : current));
          return;
        }
      }
    })();
  }, [storage]);

  useEffect(() => {
    const timer = setTimeout(() => {
      for (const screen of Object.values(screens)) void screen.preload().catch(() => undefined);
    }, PRELOAD_DELAY_MS);
    return () => { clearTimeout(timer); };
  }, []);

  // Housekeeping after unlock: seal rows from before encryption, finish a
  // signing-key enrollment that failed offline.
  useEffect(() => {
    void storage.records.sealLegacyRows().then(() => ensureSigningKeyEnrolled(storage, deviceId));
  }, [storage, deviceId]);

  const navigation = useMemo<WorkNavigation>(() => {
    const openCorrection = async (recordId: string): Promise<boolean> => {
      const record = await storage.records.getRecord(recordId);
      if (!record || !canCorrect(record, storage.vault.unlockedUser?.userId)) return false;
      setCorrection(record.envelope);
      setView('correction');
      return true;
    };
    return {
      openCorrection,
      async continueDraft(formId) {
        const draft = parseDraftId(formId, '');
        if (!draft) return false;
        if (draft.type === 'correction') return openCorrection(draft.recordId);
        setView(FORM_VIEWS[draft.form]);
        return true;
      },
    };
  }, [storage]);
  const backToOverview = useCallback(() => {
    setCorrection(null);
    setView('overview');
  }, []);

  return (
    <WorkNavigationContext.Provider value={navigation}>
      {view === 'correction' && correction !== null ? (
        correction.kind === 'homeContact' ? (
          <HomeContactForm key={correction.id} correction={correction} onDone={backToOverview} />
        ) : correction.kind === 'welcomeVisit' ? (
          <WelcomeVisitForm key={correction.id} correction={correction} onDone={backToOverview} />
        ) : correction.kind === 'screening' ? (
          <ScreeningForm key={correction.id} correction={correction} onDone={backToOverview} />
        ) : (
          <MediationForm key={correction.id} correction={correction} onDone={backToOverview} />
        )
      ) : view === 'renewSession' ? (
        <FirstSignInScreen storage={storage} deviceId={deviceId} mode="renew" onDone={() => { setView('overview'); }} onCancel={() => { setView('overview'); }} />
      ) : view === 'newHomeContact' ? (
        <HomeContactForm onDone={() => { setView('overview'); }} />
      ) : view === 'consent' ? (
        <ConsentFlow
          onDone={() => { setView('overview'); }}
          onContinue={(next, setting) => {
            setCaseNumber(next);
            setView(setting === 'screening' ? 'screening' : 'welcomeVisit');
          }}
        />
      ) : view === 'screening' ? (
        <ScreeningForm
          caseNumber={caseNumber}
          onDone={() => {
            setCaseNumber(undefined);
            setView('overview');
          }}
        />
      ) : view === 'welcomeVisit' ? (
        <WelcomeVisitForm
          caseNumber={caseNumber}
          onDone={() => {
            setCaseNumber(undefined);
            setView('overview');
          }}
        />
      ) : view === 'mediation' ? (
        <MediationForm onDone={() => { setView('overview'); }} />
      ) : view === 'findCase' ? (
        <FindCaseScreen
          onDone={() => { setView('overview'); }}
          onWithdraw={() => { setView('withdraw'); }}
          onRefer={(referredCase, sourceRecordId) => {
            setCaseNumber(referredCase);
            setReferralSource(sourceRecordId);
            setView('referral');
          }}
        />
      ) : view === 'referral' && caseNumber !== undefined && referralSource !== undefined ? (
        <ReferralFlow
          caseNumber={caseNumber}
          sourceRecordId={referralSource}
          onDone={() => {
            setCaseNumber(undefined);
            setReferralSource(undefined);
            setView('overview');
          }}
        />
      ) : view === 'withdraw' ? (
        <WithdrawConsentFlow onDone={() => { setView('overview'); }} />
      ) : view === 'secondCheck' && reviewRecordId !== undefined ? (
        <SecondCheckFlow recordId={reviewRecordId} onDone={() => { setReviewRecordId(undefined); setView('overview'); }} />
      ) : view === 'reviewQueue' ? (
        <ReviewQueueScreen onDone={() => { setView('overview'); }} />
      ) : (
        <Overview
          onOpen={setView}
          onSecondCheck={(recordId) => {
            setReviewRecordId(recordId);
            setView('secondCheck');
          }}
        />
      )}
      <SyncStatusBar onRenew={() => { setView('renewSession'); }} />
    </WorkNavigationContext.Provider>
  );
}
