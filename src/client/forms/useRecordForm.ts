// The lifecycle every workflow form shares, whatever holds its values
// (react-hook-form, or the screening's own answer state): restore the draft
// once (if it fits the case), autosave every change and flush it before an app
// update, pick the case, then save a new record or a correction, nudge the sync
// engine and close — or keep the draft and say what went wrong.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ConsentMissingError, consentCovers } from '@domain/consent';
import { CorrectionRefusedError, type CorrectionRefusal } from '@domain/corrections';
import { correctedRecord, newRecord, type RecordContext } from '@domain/record-envelope';
import type { FamilyLanguage } from '@shared/languages';
import type { SyncRecord } from '@shared/records/sync-record';
import { useAppServices } from '../app/AppContext';
import { useLeaveGuard } from '../app/LeaveGuard';
// Types only: the registry (features/workflows) hands its entry in, so forms/ needs no feature code at run time.
import type { Workflow, WorkflowContent, WorkflowKind, WorkflowRecord } from '../features/workflows/registry';
import { correctionDraftId } from './draft-ids';
import { DraftAutosave } from './DraftAutosave';

/** Why saving did not happen; the draft is kept in every case. */
export type SaveProblem =
  /** The record must name a case (or the person switched "link a case" on) and none was looked up. */
  | { kind: 'caseNumberMissing' }
  /** No consent on this tablet covers the case, or it was withdrawn. */
  | { kind: 'consent'; reason: 'consentMissing' | 'caseWithdrawn' }
  /** A correction was refused (or its case's consent is gone): shown in the correction notice. */
  | { kind: 'correction'; reason: CorrectionRefusal | 'consentMissing' | 'caseWithdrawn' }
  /** Writing failed (e.g. the disk is full) or the content did not pass its schema: try again. */
  | { kind: 'saveFailed' };

/**
 * How a workflow's draft is stored: some keep only the form's values, those
 * for a case keep the case number beside them. Drafts written by an earlier
 * version of the app must still read back (nothing saved may be lost by an update).
 */
export interface DraftCodec<V> {
  read: (raw: unknown) => { caseNumber: string | null; values: V } | null;
  write: (caseNumber: string | null, values: V) => unknown;
}

/** The draft is the form's values; only keys the content schema knows, so an older draft cannot smuggle in a key the strict schema rejects. */
export function valuesDraft<V extends object>(keys: readonly string[]): DraftCodec<Partial<V>> {
  return {
    read: (raw) =>
      raw && typeof raw === 'object'
        ? { caseNumber: null, values: Object.fromEntries(Object.entries(raw).filter(([key]) => keys.includes(key))) as Partial<V> }
        : null,
    write: (_caseNumber, values) => values,
  };
}

/** The draft is `{ caseNumber, [field]: values }`. */
export function caseDraft<V>(field: string, readValues: (raw: object) => V): DraftCodec<V> {
  return {
    read: (raw) => {
      if (!raw || typeof raw !== 'object') return null;
      const { caseNumber } = raw as { caseNumber?: unknown };
      const values = (raw as Record<string, unknown>)[field];
      if (!values || typeof values !== 'object') return null;
      return { caseNumber: typeof caseNumber === 'string' ? caseNumber : null, values: readValues(values) };
    },
    write: (caseNumber, values) => ({ caseNumber, [field]: values }),
  };
}

/** Where the form's first values come from. */
export type FormStart<K extends WorkflowKind, V> =
  { from: 'draft'; values: V } | { from: 'correction'; record: WorkflowRecord<K> } | { from: 'fresh' };

/**
 * Why a case number was refused as soon as it was entered (not at saving):
 * no consent for it on this tablet (e.g. the family consented on another
 * tablet), or the consent there does not cover this kind of record.
 */
export type CaseRefusal = { caseNumber: string; reason: 'noConsentHere' | 'scopeMissing' };

export interface RecordFormOptions<K extends WorkflowKind, V> {
  workflow: Workflow<K>;
  onDone: (outcome?: 'saved') => void;
  /** The case the form was opened for; undefined lets the person pick one. */
  caseNumber?: string | undefined;
  correction?: WorkflowRecord<K> | undefined;
  draft: DraftCodec<V>;
  /** The form's current values, for the draft. */
  values: () => V;
  /** Puts the first values into the form. */
  apply: (start: FormStart<K, V>) => void;
  /** False while what `apply` needs (e.g. the cached configuration) is still loading. */
  ready?: boolean;
}

export interface CaseState {
  mode: Workflow<WorkflowKind>['caseLink'];
  /** The case the record will name (null: none yet, or anonymous). */
  caseNumber: string | null;
  /** Opened for a case (or correcting a record): the case cannot be changed here. */
  fixed: boolean;
  /** `required`: the number input is shown (no case picked yet). */
  lookup: boolean;
  /** `optional`: "link a case" is switched on. */
  linked: boolean;
}

export interface RecordForm<K extends WorkflowKind> {
  workflow: Workflow<K>;
  correction: WorkflowRecord<K> | undefined;
  draftId: string;
  /** The draft (if any) was applied; fields render only from then on, so no tap can race the restore. */
  started: boolean;
  restored: boolean;
  /** Call after every change of the values (react-hook-form forms: `useAutosaveOnChange`). */
  changed: () => void;
  case: CaseState;
  /** A case was looked up (or the input was edited again: null); a case without a covering consent here is refused at once. */
  chooseCase: (caseNumber: string | null) => void;
  /** The last case number refused at lookup (cleared by the next lookup). */
  caseRefusal: CaseRefusal | null;
  /** The district the case's consent on this tablet names (the form starts with it). */
  caseDistrict: string | undefined;
  /** The language the case's consent on this tablet was given in (the family's, to hand the tablet over in). */
  caseLanguage: FamilyLanguage | undefined;
  /** Back to the number input, forgetting the picked case. */
  changeCase: () => void;
  setLinked: (linked: boolean) => void;
  /** Save was tapped (before the form's own checks): the case question shows its error from now on. */
  attempted: boolean;
  attempt: () => void;
  problem: SaveProblem | null;
  clearProblem: () => void;
  saving: boolean;
  /**
   * Saves the content as a new record (or the correction); null means the content is not valid.
   * A function is called once the case is checked (content that takes a moment to build, e.g. a hash).
   */
  save: (content: WorkflowContent<K> | null | (() => Promise<WorkflowContent<K> | null>)) => Promise<void>;
  /** Saves another, anonymous record instead of this one (the welcome visit's attempt); the draft goes with it. */
  saveInstead: (build: (context: RecordContext) => Promise<SyncRecord>) => Promise<void>;
  cancel: () => void;
}

function problemOf(error: unknown, correcting: boolean): SaveProblem {
  if (correcting && (error instanceof CorrectionRefusedError || error instanceof ConsentMissingError))
    return { kind: 'correction', reason: error.reason };
  if (error instanceof ConsentMissingError) return { kind: 'consent', reason: error.reason };
  return { kind: 'saveFailed' };
}

export function useRecordForm<K extends WorkflowKind, V>(options: RecordFormOptions<K, V>): RecordForm<K> {
  const { workflow, onDone, correction, draft, values, apply, ready = true } = options;
  // The record being corrected, as any workflow's record: the lifecycle does not depend on its kind.
  const target = correction as WorkflowRecord | undefined;
  const { storage, sync } = useAppServices();
  const draftId = correction ? correctionDraftId(correction) : workflow.newDraftId;
  // The case the record is bound to from the start: a correction's, or the one the form was opened for.
  const boundCase = target ? (target.caseNumber ?? undefined) : options.caseNumber;
  const [autosave] = useState(() => new DraftAutosave(storage.drafts, draftId));
  const [started, setStarted] = useState(false);
  const [restored, setRestored] = useState(false);
  const [caseNo, setCaseNo] = useState<string | null>(boundCase ?? null);
  const [lookup, setLookup] = useState(boundCase === undefined);
  // Opened for a case (straight after its consent): an anonymous-by-default record is linked to it.
  const [linked, setLinkedState] = useState(boundCase !== undefined && workflow.caseLink === 'optional');
  const [attempted, setAttempted] = useState(false);
  const [problem, setProblem] = useState<SaveProblem | null>(null);
  const [saving, setSaving] = useState(false);
  const [caseRefusal, setCaseRefusal] = useState<CaseRefusal | null>(null);
  const [caseDistrict, setCaseDistrict] = useState<string | undefined>();
  const [caseLanguage, setCaseLanguage] = useState<FamilyLanguage | undefined>();
  const leaveGuard = useLeaveGuard();
  // Whether leaving would leave unsaved work: a restored draft, or values that differ from the start.
  const restoredDraft = useRef(false);
  const initialSnapshot = useRef<string | undefined>(undefined);
  const edited = useRef(false);
  // What the autosave callbacks must see between renders (set together with the state).
  const caseRef = useRef<string | null>(boundCase ?? null);
  const latest = useRef({ draft, values });
  useEffect(() => {
    latest.current = { draft, values };
  }, [draft, values]);
  const snapshot = useCallback(() => latest.current.draft.write(caseRef.current, latest.current.values()), []);

  useEffect(() => {
    if (!ready || started) return;
    let alive = true;
    void autosave.restore().then((raw) => {
      if (!alive) return;
      const stored = latest.current.draft.read(raw);
      // A draft for another family's case is never applied to this case.
      const fits = stored !== null && (boundCase === undefined || stored.caseNumber === null || stored.caseNumber === boundCase);
      if (stored && fits) {
        if (boundCase === undefined && stored.caseNumber !== null) {
          caseRef.current = stored.caseNumber;
          setCaseNo(stored.caseNumber);
          setLookup(false);
        }
        apply({ from: 'draft', values: stored.values });
        setRestored(true);
        restoredDraft.current = true;
      } else {
        apply(correction ? { from: 'correction', record: correction } : { from: 'fresh' });
      }
      setStarted(true);
    });
    return () => {
      alive = false;
    };
  }, [autosave, ready, started, apply, boundCase, correction]);

  // What the form started with, once the first values are rendered: a change from it is unsaved work.
  useEffect(() => {
    if (started && initialSnapshot.current === undefined) initialSnapshot.current = JSON.stringify(snapshot());
  }, [started, snapshot]);

  useEffect(
    () =>
      leaveGuard?.register({
        dirty: () => restoredDraft.current || edited.current,
        keep: () => autosave.saveNow(snapshot),
        discard: () => autosave.discard(),
      }),
    [leaveGuard, autosave, snapshot],
  );

  // Flush at once before an app update reloads; no timer outlives the form.
  useEffect(() => {
    const unguard = autosave.guard(snapshot);
    return () => {
      unguard();
      autosave.dispose();
    };
  }, [autosave, snapshot]);

  const changed = useCallback(() => {
    if (initialSnapshot.current !== undefined) edited.current = JSON.stringify(snapshot()) !== initialSnapshot.current;
    autosave.schedule(snapshot);
  }, [autosave, snapshot]);

  const acceptCase = useCallback(
    (found: string | null) => {
      caseRef.current = found;
      setCaseNo(found);
      if (found !== null) setLookup(false);
      setProblem(null);
      changed();
    },
    [changed],
  );

  // The consent is checked when the case number is entered, not after the whole form was filled in.
  const kindOfRecord: WorkflowKind = workflow.kind;
  const checkCase = useCallback(
    async (caseNumber: string): Promise<CaseRefusal | null> => {
      const consent = await storage.records.consentFor(caseNumber);
      setCaseDistrict(consent?.district);
      setCaseLanguage(consent?.language);
      const verdict = consentCovers(kindOfRecord, caseNumber, consent, false);
      if (verdict.ok) return null;
      return { caseNumber, reason: consent === undefined ? 'noConsentHere' : 'scopeMissing' };
    },
    [storage, kindOfRecord],
  );

  // A save tapped while the number is still being checked waits for the check, not "case number missing".
  const caseCheck = useRef<Promise<void>>(Promise.resolve());
  const chooseCase = useCallback(
    (found: string | null) => {
      setCaseRefusal(null);
      if (found === null) {
        acceptCase(null);
        return;
      }
      caseCheck.current = checkCase(found).then((refusal) => {
        if (refusal) {
          setCaseRefusal(refusal);
          acceptCase(null);
        } else acceptCase(found);
      });
    },
    [acceptCase, checkCase],
  );

  // A case the form was opened for, or one a restored draft names, is checked too (it may have been withdrawn since).
  useEffect(() => {
    if (!started || target) return;
    const named = caseRef.current;
    if (named === null) return;
    void checkCase(named).then((refusal) => {
      if (!refusal || caseRef.current !== named) return;
      setCaseRefusal(refusal);
      caseRef.current = null;
      setCaseNo(null);
      setLookup(true);
    });
  }, [started, target, checkCase]);

  const commit = async (write: (context: RecordContext) => Promise<void>, keepDraft: boolean): Promise<void> => {
    await autosave.stop(); // no autosave may outlive the draft becoming a record
    try {
      await write({ deviceId: await storage.device.deviceId(), now: new Date() });
      sync.trigger();
      restoredDraft.current = false;
      edited.current = false; // saved: leaving now leaves nothing behind
      onDone('saved');
    } catch (error) {
      autosave.resume();
      if (keepDraft) await autosave.saveNow(snapshot);
      setSaving(false);
      setProblem(problemOf(error, correction !== undefined));
    }
  };

  // As any workflow's kind: the content handed to `save` is typed per kind by the caller.
  const kind: WorkflowKind = workflow.kind;
  const save: RecordForm<K>['save'] = async (prepared) => {
    setAttempted(true);
    setProblem(null);
    await caseCheck.current;
    const recordCase = workflow.caseLink === 'required' || linked ? caseRef.current : null;
    if (!correction && (workflow.caseLink === 'required' || linked) && recordCase === null) {
      setProblem({ kind: 'caseNumberMissing' });
      return;
    }
    setSaving(true);
    const content = typeof prepared === 'function' ? await prepared() : prepared;
    if (content === null) {
      setSaving(false);
      setProblem({ kind: 'saveFailed' });
      return;
    }
    await commit(async (context) => {
      if (target) await storage.records.saveCorrection(await correctedRecord(target, content, context), { draftId });
      else await storage.records.saveRecord(await newRecord(kind, content, recordCase, context), { draftId });
    }, true);
  };

  const saveInstead: RecordForm<K>['saveInstead'] = async (build) => {
    setProblem(null);
    setSaving(true);
    await commit(async (context) => {
      await storage.records.saveRecord(await build(context), { draftId });
    }, false);
  };

  return {
    workflow,
    correction,
    draftId,
    started,
    restored,
    changed,
    case: { mode: workflow.caseLink, caseNumber: target ? target.caseNumber : caseNo, fixed: boundCase !== undefined, lookup, linked },
    chooseCase,
    caseRefusal,
    caseDistrict,
    caseLanguage,
    changeCase: () => {
      chooseCase(null);
      setLookup(true);
    },
    setLinked: (next) => {
      setLinkedState(next);
      setProblem(null);
    },
    attempted,
    attempt: () => {
      setAttempted(true);
    },
    problem,
    clearProblem: () => {
      setProblem(null);
    },
    saving,
    save,
    saveInstead,
    // In the work area "cancel" asks first when something was entered; alone (tests of one form) it discards.
    cancel: () => {
      if (leaveGuard) leaveGuard.cancel();
      else
        void autosave.discard().then(() => {
          onDone();
        });
    },
  };
}
