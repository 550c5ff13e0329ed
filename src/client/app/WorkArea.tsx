// Everything a person sees once they unlocked the tablet. It only exists
// while the vault is unlocked: locking unmounts it, and with it every
// decrypted value held in React state.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { DEFAULT_SECURITY_SETTINGS } from '@shared/security-defaults';
import { preloadable } from './preloadable';
import { ensureSigningKeyEnrolled } from '../sync/signing-key-enrollment';
import { useAppServices } from './AppContext';
import { useFamilyMode } from './FamilyModeContext';
import { lockApp } from './lock';
import { Overview, type OverviewChoice } from './Overview';
import { SyncStatusBar } from './SyncStatusBar';
import { useAutoLock } from './useAutoLock';
import { useStoredValue } from './useStoredValue';
import { WorkNavigationContext, type WorkNavigation } from './WorkNavigation';
import { LeaveGuardContext, type LeaveGuard, type OpenForm } from './LeaveGuard';
import { LeaveFormDialog } from './LeaveFormDialog';
import { useScreenHistory } from './useScreenHistory';
import { canCorrect, parseDraftId, type CorrectionTarget } from '../features/records/work-items';
import { WORKFLOWS, WORKFLOW_KINDS, type WorkflowFormProps, type WorkflowKind } from '../features/workflows/registry';
import type { ComponentType } from 'react';

// Each screen is its own chunk (a fast first screen); all of them are fetched
// once the work area is idle, so the first tap on a workflow does not wait for
// its code (precached by the service worker, so offline too).
const lazyScreens = {
  consent: preloadable(() => import('../features/consent/ConsentFlow').then((m) => m.ConsentFlow)),
  firstSignIn: preloadable(() => import('../features/access/FirstSignInScreen').then((m) => m.FirstSignInScreen)),
  findCase: preloadable(() => import('../features/consent/FindCaseScreen').then((m) => m.FindCaseScreen)),
  withdraw: preloadable(() => import('../features/consent/WithdrawConsentFlow').then((m) => m.WithdrawConsentFlow)),
  secondCheck: preloadable(() => import('../features/approval/SecondCheckFlow').then((m) => m.SecondCheckFlow)),
  reviewQueue: preloadable(() => import('../features/approval/ReviewQueueScreen').then((m) => m.ReviewQueueScreen)),
  referral: preloadable(() => import('../features/referral/ReferralFlow').then((m) => m.ReferralFlow)),
  case: preloadable(() => import('../features/case-view/CaseScreen').then((m) => m.CaseScreen)),
};
const ConsentFlow = lazyScreens.consent.Screen;
const FirstSignInScreen = lazyScreens.firstSignIn.Screen;
const FindCaseScreen = lazyScreens.findCase.Screen;
const WithdrawConsentFlow = lazyScreens.withdraw.Screen;
const SecondCheckFlow = lazyScreens.secondCheck.Screen;
const ReviewQueueScreen = lazyScreens.reviewQueue.Screen;
const ReferralFlow = lazyScreens.referral.Screen;
const CaseScreen = lazyScreens.case.Screen;

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
  /** `saved`: the previous record of this workflow was just saved (the HOME contact opens the next one); `seq` makes it a fresh form. */
  | { kind: 'form'; workflow: WorkflowKind; caseNumber?: string; saved?: { at: string; seq: number } }
  | { kind: 'correction'; target: CorrectionTarget }
  /** `setting`: preselected when a form sent the person to record a new consent. */
  | { kind: 'consent'; setting?: WorkflowKind }
  | { kind: 'findCase' }
  /** Everything this tablet holds for one case (the number stays in memory, never in the history entry). */
  | { kind: 'case'; caseNumber: string }
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
  const openForm = useRef<OpenForm | null>(null);
  const mustAsk = useCallback(() => openForm.current?.dirty() ?? false, []);
  // A form left without anything entered leaves no draft behind (it would be listed and reopened at the next unlock).
  const leaveCleanForm = useCallback(() => {
    const form = openForm.current;
    if (form && !form.dirty()) void form.discard();
  }, []);
  // While the family holds the tablet the screen stays: the back button never leads to a staff screen.
  const { holder } = useFamilyMode();
  const familyHolds = holder.kind === 'family';
  const held = useCallback(() => familyHolds, [familyHolds]);
  const screens = useScreenHistory<View>(OVERVIEW, mustAsk, leaveCleanForm, held);
  const { push, replace, home } = screens;
  const config = useStoredValue(storage, (s) => s.device.config());
  const onIdle = useCallback(() => void lockApp(storage), [storage]);
  useAutoLock(config?.security.autoLockMinutes ?? DEFAULT_SECURITY_SETTINGS.autoLockMinutes, onIdle);

  // A draft is left behind only by a reload, a crash, a lock or an app update
  // (saving and cancelling both remove it): reopen its form so the work continues.
  const current = useRef(screens.view);
  useEffect(() => {
    current.current = screens.view;
  }, [screens.view]);
  // The overview waits for this check: shown first, it would be replaced under a tapping finger.
  const [draftChecked, setDraftChecked] = useState(false);
  useEffect(() => {
    const effect = new AbortController();
    void (async () => {
      try {
        for (const workflow of WORKFLOW_KINDS) {
          if ((await storage.drafts.load(WORKFLOWS[workflow].newDraftId)) !== undefined) {
            if (!effect.signal.aborted && current.current.kind === 'overview') push({ kind: 'form', workflow });
            return;
          }
        }
      } finally {
        if (!effect.signal.aborted) setDraftChecked(true);
      }
    })();
    return () => {
      effect.abort();
    };
  }, [storage, push]);

  useEffect(() => {
    const timer = setTimeout(() => {
      for (const screen of [...Object.values(lazyScreens), ...Object.values(forms)]) void screen.preload().catch(() => undefined);
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
      push({ kind: 'correction', target: record.envelope });
      return true;
    };
    return {
      openCorrection,
      async continueDraft(draftId) {
        const draft = parseDraftId(draftId, '');
        if (!draft) return false;
        if (draft.type === 'correction') return openCorrection(draft.recordId);
        push({ kind: 'form', workflow: draft.form });
        return true;
      },
      openReferral(caseNumber, sourceRecordId) {
        push({ kind: 'referral', caseNumber, sourceRecordId });
      },
      newConsent(workflow) {
        // In place of the form it came from: "back" after the new consent's form returns to the overview.
        replace({ kind: 'consent', setting: workflow });
      },
      openCase(caseNumber) {
        push({ kind: 'case', caseNumber });
      },
    };
  }, [storage, push, replace]);

  const leaveGuard = useMemo<LeaveGuard>(
    () => ({
      register(form) {
        openForm.current = form;
        return () => {
          if (openForm.current === form) openForm.current = null;
        };
      },
      cancel() {
        const form = openForm.current;
        if (form?.dirty())
          home(); // asks: keep filling in, keep the draft, or discard
        else void (form?.discard() ?? Promise.resolve()).then(home);
      },
    }),
    [home],
  );

  const onDone = useCallback(
    (outcome?: 'saved') => {
      const view = current.current;
      // In the foyer one contact follows the next: saving opens a fresh HOME contact with a confirmation.
      if (outcome === 'saved' && view.kind === 'form' && view.workflow === 'homeContact') {
        replace({ kind: 'form', workflow: 'homeContact', saved: { at: new Date().toISOString(), seq: (view.saved?.seq ?? 0) + 1 } });
      } else home();
    },
    [home, replace],
  );

  const { pending, proceed, stay } = screens;
  const leave = (choice: 'keep' | 'discard'): void => {
    const form = openForm.current;
    const done = choice === 'keep' ? form?.keep() : form?.discard();
    void (done ?? Promise.resolve()).then(() => {
      openForm.current = null; // the form is left: nothing more to ask
      proceed();
    });
  };

  return (
    <WorkNavigationContext.Provider value={navigation}>
      <LeaveGuardContext.Provider value={leaveGuard}>
        {draftChecked && <Screen view={screens.view} deviceId={deviceId} push={push} replace={replace} onDone={onDone} />}
      </LeaveGuardContext.Provider>
      {/* Staff status in the staff language: not while the family holds the tablet. */}
      {!familyHolds && (
        <SyncStatusBar
          onRenew={() => {
            push({ kind: 'renewSession' });
          }}
        />
      )}
      {pending && (
        <LeaveFormDialog
          onStay={stay}
          onKeep={() => {
            leave('keep');
          }}
          onDiscard={() => {
            leave('discard');
          }}
        />
      )}
    </WorkNavigationContext.Provider>
  );
}

function Screen({
  view,
  deviceId,
  push,
  replace,
  onDone,
}: {
  view: View;
  deviceId: string;
  push: (view: View) => void;
  replace: (view: View) => void;
  onDone: (outcome?: 'saved') => void;
}) {
  const { storage } = useAppServices();
  const backToOverview = () => {
    onDone();
  };
  switch (view.kind) {
    case 'form':
      return (
        <WorkflowForm
          key={view.saved?.seq ?? 0}
          workflow={view.workflow}
          caseNumber={view.caseNumber}
          savedAt={view.saved?.at}
          onDone={onDone}
        />
      );
    case 'correction':
      return <WorkflowForm key={view.target.id} workflow={view.target.kind} correction={view.target} onDone={onDone} />;
    case 'renewSession':
      return <FirstSignInScreen storage={storage} deviceId={deviceId} mode="renew" onDone={backToOverview} onCancel={backToOverview} />;
    case 'consent':
      return (
        <ConsentFlow
          initialSetting={view.setting}
          onDone={backToOverview}
          onContinue={(caseNumber, setting) => {
            // In place of the consent: "back" from the form returns to the overview, not to a finished consent.
            replace({ kind: 'form', workflow: setting, caseNumber });
          }}
        />
      );
    case 'findCase':
      return (
        <FindCaseScreen
          onDone={onDone}
          onWithdraw={() => {
            push({ kind: 'withdraw' });
          }}
          onRefer={(caseNumber, sourceRecordId) => {
            push({ kind: 'referral', caseNumber, sourceRecordId });
          }}
        />
      );
    case 'case':
      return (
        <CaseScreen
          key={view.caseNumber}
          caseNumber={view.caseNumber}
          onDone={backToOverview}
          onRefer={(caseNumber, sourceRecordId) => {
            push({ kind: 'referral', caseNumber, sourceRecordId });
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
            push(choice);
          }}
          onSecondCheck={(recordId) => {
            push({ kind: 'secondCheck', recordId });
          }}
        />
      );
  }
}
