// Everything a person sees once they unlocked the tablet. It only exists
// while the vault is unlocked: locking unmounts it, and with it every
// decrypted value held in React state.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { DEFAULT_SECURITY_SETTINGS } from '@shared/security-defaults';
import { preloadable } from './preloadable';
import { ensureSigningKeyEnrolled } from '../sync/signing-key-enrollment';
import { useAppServices } from './AppContext';
import { lockApp } from './lock';
import { Overview, type OverviewChoice } from './Overview';
import { SyncStatusBar } from './SyncStatusBar';
import { useAutoLock } from './useAutoLock';
import { useStoredValue } from './useStoredValue';
import { WorkNavigationContext, type WorkNavigation } from './WorkNavigation';
import { canCorrect, parseDraftId, type CorrectionTarget } from '../features/records/work-items';
import { WORKFLOWS, WORKFLOW_KINDS, type WorkflowFormProps, type WorkflowKind } from '../features/workflows/registry';
import type { ComponentType } from 'react';

// Each screen is its own chunk (a fast first screen); all of them are fetched
// once the work area is idle, so the first tap on a workflow does not wait for
// its code (precached by the service worker, so offline too).
const screens = {
  consent: preloadable(() => import('../features/consent/ConsentFlow').then((m) => m.ConsentFlow)),
  firstSignIn: preloadable(() => import('../features/access/FirstSignInScreen').then((m) => m.FirstSignInScreen)),
  findCase: preloadable(() => import('../features/consent/FindCaseScreen').then((m) => m.FindCaseScreen)),
  withdraw: preloadable(() => import('../features/consent/WithdrawConsentFlow').then((m) => m.WithdrawConsentFlow)),
  secondCheck: preloadable(() => import('../features/approval/SecondCheckFlow').then((m) => m.SecondCheckFlow)),
  reviewQueue: preloadable(() => import('../features/approval/ReviewQueueScreen').then((m) => m.ReviewQueueScreen)),
  referral: preloadable(() => import('../features/referral/ReferralFlow').then((m) => m.ReferralFlow)),
};
const ConsentFlow = screens.consent.Screen;
const FirstSignInScreen = screens.firstSignIn.Screen;
const FindCaseScreen = screens.findCase.Screen;
const WithdrawConsentFlow = screens.withdraw.Screen;
const SecondCheckFlow = screens.secondCheck.Screen;
const ReviewQueueScreen = screens.reviewQueue.Screen;
const ReferralFlow = screens.referral.Screen;

/** Every workflow's form, from the registry; the props are the registry's for that kind. */
const forms = Object.fromEntries(
  WORKFLOW_KINDS.map((kind) => [
    kind,
    preloadable(WORKFLOWS[kind].loadForm as () => Promise<ComponentType<WorkflowFormProps<WorkflowKind>>>),
  ]),
) as Record<WorkflowKind, ReturnType<typeof preloadable<WorkflowFormProps<WorkflowKind>>>>;
const PRELOAD_DELAY_MS = 500;

/** What the work area shows: one screen, with exactly what that screen needs. */
type View =
  | { kind: 'overview' }
  | { kind: 'form'; workflow: WorkflowKind; caseNumber?: string }
  | { kind: 'correction'; target: CorrectionTarget }
  | { kind: 'consent' }
  | { kind: 'findCase' }
  | { kind: 'withdraw' }
  | { kind: 'referral'; caseNumber: string; sourceRecordId: string }
  | { kind: 'secondCheck'; recordId: string }
  | { kind: 'reviewQueue' }
  | { kind: 'renewSession' };

const OVERVIEW: View = { kind: 'overview' };

function WorkflowForm({ workflow, ...props }: WorkflowFormProps<WorkflowKind> & { workflow: WorkflowKind }) {
  const Form = forms[workflow].Screen;
  return <Form {...props} />;
}

export function WorkArea({ deviceId }: { deviceId: string }) {
  const { storage } = useAppServices();
  const [view, setView] = useState<View>(OVERVIEW);
  const config = useStoredValue(storage, (s) => s.device.config());
  const onIdle = useCallback(() => void lockApp(storage), [storage]);
  useAutoLock(config?.security.autoLockMinutes ?? DEFAULT_SECURITY_SETTINGS.autoLockMinutes, onIdle);

  // A draft is left behind only by a reload, a crash, a lock or an app update
  // (saving and cancelling both remove it): reopen its form so the work continues.
  useEffect(() => {
    void (async () => {
      for (const workflow of WORKFLOW_KINDS) {
        if ((await storage.drafts.load(WORKFLOWS[workflow].newDraftId)) !== undefined) {
          setView((current) => (current.kind === 'overview' ? { kind: 'form', workflow } : current));
          return;
        }
      }
    })();
  }, [storage]);

  useEffect(() => {
    const timer = setTimeout(() => {
      for (const screen of [...Object.values(screens), ...Object.values(forms)]) void screen.preload().catch(() => undefined);
    }, PRELOAD_DELAY_MS);
    return () => {
      clearTimeout(timer);
    };
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
      setView({ kind: 'correction', target: record.envelope });
      return true;
    };
    return {
      openCorrection,
      async continueDraft(draftId) {
        const draft = parseDraftId(draftId, '');
        if (!draft) return false;
        if (draft.type === 'correction') return openCorrection(draft.recordId);
        setView({ kind: 'form', workflow: draft.form });
        return true;
      },
    };
  }, [storage]);
  const backToOverview = useCallback(() => {
    setView(OVERVIEW);
  }, []);

  return (
    <WorkNavigationContext.Provider value={navigation}>
      <Screen view={view} deviceId={deviceId} setView={setView} onDone={backToOverview} />
      <SyncStatusBar
        onRenew={() => {
          setView({ kind: 'renewSession' });
        }}
      />
    </WorkNavigationContext.Provider>
  );
}

function Screen({ view, deviceId, setView, onDone }: { view: View; deviceId: string; setView: (view: View) => void; onDone: () => void }) {
  const { storage } = useAppServices();
  switch (view.kind) {
    case 'form':
      return <WorkflowForm workflow={view.workflow} caseNumber={view.caseNumber} onDone={onDone} />;
    case 'correction':
      return <WorkflowForm key={view.target.id} workflow={view.target.kind} correction={view.target} onDone={onDone} />;
    case 'renewSession':
      return <FirstSignInScreen storage={storage} deviceId={deviceId} mode="renew" onDone={onDone} onCancel={onDone} />;
    case 'consent':
      return (
        <ConsentFlow
          onDone={onDone}
          onContinue={(caseNumber, setting) => {
            setView({ kind: 'form', workflow: setting === 'screening' ? 'screening' : 'welcomeVisit', caseNumber });
          }}
        />
      );
    case 'findCase':
      return (
        <FindCaseScreen
          onDone={onDone}
          onWithdraw={() => {
            setView({ kind: 'withdraw' });
          }}
          onRefer={(caseNumber, sourceRecordId) => {
            setView({ kind: 'referral', caseNumber, sourceRecordId });
          }}
        />
      );
    case 'referral':
      return <ReferralFlow caseNumber={view.caseNumber} sourceRecordId={view.sourceRecordId} onDone={onDone} />;
    case 'withdraw':
      return <WithdrawConsentFlow onDone={onDone} />;
    case 'secondCheck':
      return <SecondCheckFlow recordId={view.recordId} onDone={onDone} />;
    case 'reviewQueue':
      return <ReviewQueueScreen onDone={onDone} />;
    case 'overview':
      return (
        <Overview
          onOpen={(choice: OverviewChoice) => {
            setView(choice);
          }}
          onSecondCheck={(recordId) => {
            setView({ kind: 'secondCheck', recordId });
          }}
        />
      );
  }
}
