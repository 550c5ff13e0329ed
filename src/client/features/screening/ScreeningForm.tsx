// The birth-clinic screening (Moers): midwives and nurses on the maternity
// ward, standing, in a hurry, often offline. The questionnaire is data (the
// municipality's Fragenkatalog, src/domain/questionnaire.ts); this form shows
// it section by section in the staff language, applies its skip rules live,
// evaluates the answers as they come and — the moment an answer signals acute
// danger — shows the child-protection instruction full screen, offline.
// Staff may hand the tablet to the family for the questions it answers itself
// (FamilyScreening, in its language, without any evaluation); back with staff,
// each such answer is marked, and a change staff make is recorded with the
// family's own answer (content.familyAnswers).
// The draft (case number and answers), the case, the district and saving are
// the shared record form's (features/workflows); the answers stay in this
// form's own state, driven by the definition.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  effectiveSupportNeed,
  explainScore,
  visibleAnswers,
  type AnswerValue,
  type LoadResult,
  type SupportNeed,
} from '@domain/questionnaire';
import { matchOffers, DEFAULT_OFFER_LIMIT } from '@domain/offer-matching';
import { contentHash } from '@shared/content-hash';
import {
  OVERRIDE_REASON_MIN_LENGTH,
  SCREENING_NOTE_MAX_LENGTH,
  SUPPORT_NEED_LEVELS,
  screeningContentSchema,
  type ScreeningContent,
} from '@shared/records/screening';
import { useAppServices } from '../../app/AppContext';
import { useFamilyMode } from '../../app/FamilyModeContext';
import { staffViewShown } from '@domain/family-mode';
import { useStoredValue } from '../../app/useStoredValue';
import { PersonalDataHint } from '../../forms/PersonalDataHint';
import { TextLimit } from '../../forms/TextLimit';
import { useRecordForm, type DraftCodec, type FormStart } from '../../forms/useRecordForm';
import {
  markFamilyAnswer,
  markStaffAnswer,
  readFamilyAnswers,
  recordedFamilyAnswers,
  visibleFamilyQuestions,
  type FamilyAnswers,
} from '@domain/family-answers';
import type { FamilyLanguage } from '@shared/languages';
import { FamilyAnswerNote } from './FamilyAnswerNote';
import { FamilyHandover } from './FamilyHandover';
import { FamilyScreening } from './FamilyScreening';
import { RecordFormShell } from '../workflows/RecordFormShell';
import { WORKFLOWS, type WorkflowFormProps } from '../workflows/registry';
import { allQuestions, DEFAULT_SCREENING, readAnswers, staffTextLanguage, textIn } from './definition';
import { EmergencyInstruction } from './EmergencyInstruction';
import { QuestionField } from './QuestionField';
import { withDistrict } from '../district/DistrictField';
import { QuestionnaireNotice } from './QuestionnaireNotice';
import { ScoreExplanation } from './ScoreExplanation';
import type { ReactNode } from 'react';

/** What the draft keeps: the answers (hidden ones included) and which of them the family gave itself. */
interface ScreeningDraft {
  answers: Record<string, AnswerValue>;
  familyAnswers: FamilyAnswers;
}

/**
 * The draft: `{ caseNumber, answers, familyAnswers }` — encrypted like every draft, so the family's
 * answers survive a lock or a reload. Drafts of earlier versions have no `familyAnswers`: none are the family's.
 */
const DRAFT: DraftCodec<ScreeningDraft> = {
  read: (raw) => {
    if (!raw || typeof raw !== 'object') return null;
    const { caseNumber, answers, familyAnswers } = raw as { caseNumber?: unknown; answers?: unknown; familyAnswers?: unknown };
    if (!answers || typeof answers !== 'object') return null;
    return {
      caseNumber: typeof caseNumber === 'string' ? caseNumber : null,
      values: { answers: readAnswers(answers), familyAnswers: readFamilyAnswers(familyAnswers) },
    };
  },
  write: (caseNumber, values) => ({ caseNumber, answers: values.answers, familyAnswers: values.familyAnswers }),
};

/** Small screens (portrait tablets, phones) start with the evaluation closed: one line, the form first. */
/** The family-answer marks a record keeps, as an optional field: absent when staff answered everything. */
function withFamilyAnswers(marks: FamilyAnswers | undefined): Pick<ScreeningContent, 'familyAnswers'> {
  return marks === undefined ? {} : { familyAnswers: { ...marks } };
}

function smallScreen(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia('(max-width: 48rem)').matches;
}

/** The family's language for ranking offers: a language other than German if one was named. */
function familyLanguageOf(value: AnswerValue | undefined): string | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.find((language) => language !== 'de' && language !== 'other') ?? (value.includes('de') ? 'de' : undefined);
}

/**
 * `correction`: a saved screening to correct: its case stays, its answers, override and ticked offers
 * are prefilled, and saving writes its next revision — scored by the definition in use now, which
 * the revision records (normally the same one).
 */
export function ScreeningForm({
  definition,
  ...props
}: WorkflowFormProps<'screening'> & {
  /** The checked questionnaire; unless given (tests), the municipality's last good one or the built-in default. */
  definition?: LoadResult;
}) {
  const { onDone } = props;
  const { t, i18n } = useTranslation('screening');
  const language = staffTextLanguage(i18n.language);
  const { storage } = useAppServices();
  const current = useStoredValue(storage, (s) => s.questionnaires.current(DEFAULT_SCREENING));
  const loaded = definition ?? current?.loaded;
  if (loaded === undefined) return <p className="loading">{t('app.loading', { ns: 'common' })}</p>;
  // A newer definition that failed the check here never blocks the work: a notice, and the last good one.
  const notice =
    definition === undefined && current?.refused ? (
      <QuestionnaireNotice refused={current.refused} inUse={loaded} builtIn={current.source === 'default'} />
    ) : null;

  if (!loaded.ok) {
    return (
      <section className="card" aria-labelledby="screening-title">
        <h1 id="screening-title">{t('new')}</h1>
        <div className="form-error" role="alert">
          <p>{t('definitionProblems')}</p>
          <ul>
            {loaded.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </div>
        <div className="actions">
          <button
            type="button"
            className="button button--large"
            onClick={() => {
              onDone();
            }}
          >
            {t('cancel')}
          </button>
        </div>
      </section>
    );
  }
  return <ScreeningQuestions props={props} loaded={loaded} language={language} notice={notice} />;
}

function ScreeningQuestions({
  props,
  loaded,
  language,
  notice,
}: {
  props: WorkflowFormProps<'screening'>;
  loaded: Extract<LoadResult, { ok: true }>;
  language: 'de' | 'en';
  notice: ReactNode;
}) {
  const { definition } = loaded;
  const { t } = useTranslation('screening');
  const { storage } = useAppServices();
  const config = useStoredValue(storage, (s) => s.device.config());
  const catalog = useStoredValue(storage, (s) => s.device.offers());
  const [answers, setAnswers] = useState<Record<string, AnswerValue>>({});
  const [invalidNumbers, setInvalidNumbers] = useState<ReadonlySet<string>>(new Set());
  const [overrideOn, setOverrideOn] = useState(false);
  const [overrideNeed, setOverrideNeed] = useState<SupportNeed | null>(null);
  const [overrideReason, setOverrideReason] = useState('');
  const [district, setDistrict] = useState<string | undefined>();
  /** Acute-danger questions whose instruction the staff member has seen and returned from. */
  const [acknowledged, setAcknowledged] = useState<ReadonlySet<string>>(new Set());
  const [instructionAgain, setInstructionAgain] = useState(false);
  /** Offer ids the staff member ticked among the suggestions. */
  const [ticked, setTicked] = useState<ReadonlySet<string>>(new Set());
  // Score, level and danger are staff's: never on screen while the family holds the tablet.
  const { holder, callStaff, handOver } = useFamilyMode();
  const staffView = staffViewShown(holder);
  /** Which answers the family gave itself (and which of them staff changed with the family). */
  const [familyAnswers, setFamilyAnswers] = useState<FamilyAnswers>({});
  const familyAnswersRef = useRef<FamilyAnswers>({});
  const [familyLanguage, setFamilyLanguage] = useState<FamilyLanguage | null>(null);
  const [evaluationOpen, setEvaluationOpen] = useState(() => !smallScreen());
  // The answers as the autosave must see them between renders (set together with the state).
  const answersRef = useRef<Record<string, AnswerValue>>({});

  // A draft's answers, or a correction's saved answers — acute danger seen then is not announced again.
  const apply = useCallback((start: FormStart<'screening', ScreeningDraft>) => {
    if (start.from === 'draft') {
      answersRef.current = start.values.answers;
      setAnswers(start.values.answers);
      familyAnswersRef.current = start.values.familyAnswers;
      setFamilyAnswers(start.values.familyAnswers);
    } else if (start.from === 'correction') {
      const saved = start.record.content;
      const savedAnswers = readAnswers(saved.answers);
      answersRef.current = savedAnswers;
      setAnswers(savedAnswers);
      familyAnswersRef.current = saved.familyAnswers ?? {};
      setFamilyAnswers(saved.familyAnswers ?? {});
      setAcknowledged(new Set(saved.acuteDanger));
      setTicked(new Set(saved.suggestedOffers));
      if (saved.override) {
        setOverrideOn(true);
        setOverrideNeed(saved.override.supportNeed);
        setOverrideReason(saved.override.reason);
      }
    }
  }, []);
  const values = useCallback(() => ({ answers: answersRef.current, familyAnswers: familyAnswersRef.current }), []);
  const form = useRecordForm({
    workflow: WORKFLOWS.screening,
    onDone: props.onDone,
    caseNumber: props.caseNumber,
    correction: props.correction,
    draft: DRAFT,
    values,
    apply,
  });
  const { started, attempted } = form;

  // One call gives the score and its explanation (they cannot differ).
  const evaluation = useMemo(() => explainScore(definition, answers), [definition, answers]);
  const questions = useMemo(() => new Map(allQuestions(definition).map((q) => [q.id, q])), [definition]);
  // Offers of the cached catalogue that fit the fields the answers point to (offline; up to 5).
  const spokenLanguage = familyLanguageOf(answers.languages);
  const suggestions = useMemo(
    () =>
      catalog && evaluation.offerFields.length > 0
        ? matchOffers(catalog.offers, { fields: evaluation.offerFields, agePhase: 'baby', language: spokenLanguage }, DEFAULT_OFFER_LIMIT)
        : [],
    [catalog, evaluation.offerFields, spokenLanguage],
  );
  // The family's own questions for the answers so far: the screens it goes through.
  const familyQuestions = useMemo(() => visibleFamilyQuestions(definition, answers), [definition, answers]);
  const handOverLanguage: FamilyLanguage = familyLanguage ?? form.caseLanguage ?? 'de';
  const labelOf = (id: string): string => {
    const question = questions.get(id);
    return question ? textIn(question.label, language) : id;
  };

  const answer = (id: string, value: AnswerValue | undefined, invalid = false): void => {
    // The ref is the source of truth between renders: two quick taps both count.
    const before = answersRef.current[id];
    const next = Object.fromEntries(Object.entries(answersRef.current).filter(([key]) => key !== id));
    if (value !== undefined) next[id] = value;
    answersRef.current = next;
    // Who answered: the family while it holds the tablet; staff otherwise (a change to a family answer is recorded).
    const marks = staffView
      ? markStaffAnswer(familyAnswersRef.current, id, before, value)
      : markFamilyAnswer(familyAnswersRef.current, id, value);
    if (marks !== familyAnswersRef.current) {
      familyAnswersRef.current = marks;
      setFamilyAnswers(marks);
    }
    form.changed();
    setAnswers(next);
    setInvalidNumbers((current) => {
      if (current.has(id) === invalid) return current;
      const next = new Set(current);
      if (invalid) next.add(id);
      else next.delete(id);
      return next;
    });
    form.clearProblem();
  };

  // The instruction appears the moment an answer signals acute danger not yet acknowledged — to staff:
  // while the family holds the tablet it waits for the return, and staff are only called, quietly.
  const unacknowledged = evaluation.acuteDanger.filter((id) => !acknowledged.has(id));
  const showInstruction = started && staffView && (unacknowledged.length > 0 || (instructionAgain && evaluation.acuteDanger.length > 0));
  const dangerWaiting = started && !staffView && unacknowledged.length > 0;
  // Once per danger signal, whatever the family-mode provider hands down on each render.
  const staffCalled = useRef(false);
  useEffect(() => {
    if (!dangerWaiting) {
      staffCalled.current = false;
      return;
    }
    if (staffCalled.current) return;
    staffCalled.current = true;
    callStaff();
  }, [dangerWaiting, callStaff]);

  const visibleSet = new Set(evaluation.visible);
  const invalidVisible = [...invalidNumbers].filter((id) => visibleSet.has(id));
  const reasonTooShort = overrideOn && overrideReason.trim().length < OVERRIDE_REASON_MIN_LENGTH;
  const overrideMissing = overrideOn && overrideNeed === null;

  const save = (): void => {
    form.attempt();
    if (form.case.caseNumber === null || evaluation.missing.length > 0 || invalidVisible.length > 0 || reasonTooShort || overrideMissing)
      return;
    // Only offers still suggested for the current answers count as ticked.
    const suggestedOffers = suggestions.map((offer) => offer.id).filter((id) => ticked.has(id));
    void form.save(async () => {
      const candidate: ScreeningContent = {
        definitionId: definition.id,
        definitionVersion: definition.version,
        definitionHash: await contentHash(definition),
        answers: visibleAnswers(answers, evaluation.visible),
        ...withFamilyAnswers(recordedFamilyAnswers(familyAnswers, answers, evaluation.visible)),
        score: evaluation.score,
        supportNeed: evaluation.supportNeed,
        ...(overrideOn && overrideNeed !== null ? { override: { supportNeed: overrideNeed, reason: overrideReason.trim() } } : {}),
        acuteDanger: evaluation.acuteDanger,
        suggestedOffers,
        ...withDistrict(district),
      };
      const parsed = screeningContentSchema.safeParse(candidate);
      return parsed.success ? parsed.data : null;
    });
  };

  const missingSet = new Set(attempted ? evaluation.missing : []);
  const shownNeed = effectiveSupportNeed({
    supportNeed: evaluation.supportNeed,
    override: overrideOn && overrideNeed !== null ? { supportNeed: overrideNeed } : null,
  });

  // While the family holds the tablet: its own questions only, one per screen — nothing of the staff form.
  if (holder.kind === 'family') {
    if (!started) return <p className="loading">{t('app.loading', { ns: 'common' })}</p>;
    return (
      <FamilyScreening
        questions={familyQuestions}
        answers={answers}
        language={holder.language}
        onAnswer={(id, value, invalid) => {
          answer(id, value, invalid);
        }}
      />
    );
  }
  const familyAnswered = familyQuestions.filter((q) => familyAnswers[q.id] !== undefined).length;

  return (
    <RecordFormShell
      form={form}
      ns="screening"
      title={t('new')}
      titleId="screening-title"
      className="card screening"
      formClassName="record-form screening__form"
      inert={showInstruction}
      notice={notice}
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
      caseLabel={t('caseNumber')}
      caseInputId="screening-case-number"
      district={{ value: district, onChange: setDistrict }}
      beforeActions={
        attempted &&
        evaluation.missing.length > 0 && (
          <div className="form-error" role="alert">
            <p>{t('errors.missingRequired')}</p>
            <ul className="screening__missing">
              {evaluation.missing.map((id) => (
                <li key={id}>
                  <a
                    href={`#screening-${id}`}
                    onClick={(event) => {
                      event.preventDefault();
                      const target = document.querySelector<HTMLElement>(`[data-question="${id}"] input, [data-question="${id}"] textarea`);
                      target?.focus();
                    }}
                  >
                    {labelOf(id)}
                  </a>
                </li>
              ))}
            </ul>
          </div>
        )
      }
      after={
        showInstruction && (
          <EmergencyInstruction
            contacts={config?.emergencyContacts ?? []}
            presentation={config?.emergencyPresentation}
            questions={evaluation.acuteDanger.map(labelOf)}
            onReturn={() => {
              setAcknowledged(new Set(evaluation.acuteDanger));
              setInstructionAgain(false);
            }}
          />
        )
      }
    >
      {familyQuestions.length > 0 && (
        <FamilyHandover
          total={familyQuestions.length}
          answered={familyAnswered}
          language={handOverLanguage}
          onLanguage={setFamilyLanguage}
          onHandOver={() => {
            handOver(handOverLanguage, 'screening');
          }}
        />
      )}
      {definition.sections.map((section) => {
        const shown = section.questions.filter((q) => visibleSet.has(q.id));
        if (shown.length === 0) return null;
        return (
          <section key={section.id} className="screening__section" aria-labelledby={`screening-section-${section.id}`}>
            <h2 id={`screening-section-${section.id}`}>{textIn(section.title, language)}</h2>
            {shown.map((question) => (
              <QuestionField
                key={question.id}
                question={question}
                value={answers[question.id]}
                language={language}
                missing={missingSet.has(question.id)}
                answeredBy={<FamilyAnswerNote mark={familyAnswers[question.id]} question={question} language={language} />}
                onChange={(value, invalid) => {
                  answer(question.id, value, invalid);
                }}
              />
            ))}
          </section>
        );
      })}

      {/* Staff only, and in the flow of the form (never sticky): it must not cover the question being
          answered (WCAG 2.4.11). One line when closed; closed at first on small screens. */}
      {staffView && (
        <section className="screening__evaluation" aria-labelledby="screening-evaluation-title" data-testid="screening-evaluation">
          <details
            className="screening__evaluation-details"
            open={evaluationOpen}
            onToggle={(event) => {
              setEvaluationOpen(event.currentTarget.open);
            }}
          >
            <summary className="screening__evaluation-summary">
              <span id="screening-evaluation-title" className="screening__evaluation-title">
                {t('evaluation.title')}
              </span>{' '}
              <span className="screening__fact">
                <span className="screening__fact-label">{t('evaluation.score')}</span>{' '}
                <span data-testid="screening-score">{evaluation.score}</span>
              </span>{' '}
              <span className="screening__fact">
                <span className="screening__fact-label">{t('evaluation.supportNeed')}</span>{' '}
                <span
                  data-testid="screening-support-need"
                  data-support-need={shownNeed}
                  className={`screening__need screening__need--${shownNeed}`}
                >
                  {t(`supportNeed.${shownNeed}`)}
                </span>
              </span>
            </summary>
            {evaluation.missing.length > 0 && <p className="hint">{t('evaluation.openRequired', { count: evaluation.missing.length })}</p>}
            <h3 className="screening__explanation-title">{t('explanation.toggle')}</h3>
            <ScoreExplanation
              definition={definition}
              explanation={evaluation}
              answers={answers}
              override={overrideOn && overrideNeed !== null ? { supportNeed: overrideNeed, reason: overrideReason.trim() } : null}
              language={language}
            />
          </details>
          {evaluation.acuteDanger.length > 0 && (
            <div className="screening__danger">
              <p>{t('evaluation.acuteDanger')}</p>
              <button
                type="button"
                className="button button--danger"
                onClick={() => {
                  setInstructionAgain(true);
                }}
              >
                {t('evaluation.showInstruction')}
              </button>
            </div>
          )}
        </section>
      )}

      {staffView && suggestions.length > 0 && (
        <fieldset className="choice-group screening__offers" aria-describedby="screening-offers-hint">
          <legend>{t('offers.legend')}</legend>
          <p id="screening-offers-hint" className="hint">
            {t('offers.hint')}
          </p>
          <div className="choices screening__offer-list">
            {suggestions.map((offer) => (
              <label key={offer.id} className="choice choice--block screening__offer">
                <input
                  type="checkbox"
                  value={offer.id}
                  checked={ticked.has(offer.id)}
                  onChange={(event) => {
                    const next = new Set(ticked);
                    if (event.target.checked) next.add(offer.id);
                    else next.delete(offer.id);
                    setTicked(next);
                  }}
                />
                <span>
                  <span className="screening__offer-name">{offer.name}</span>{' '}
                  <span className="screening__offer-organisation">{offer.organisation}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
      )}

      {staffView && (
        <fieldset className="choice-group screening__override">
          <label className="choice">
            <input
              type="checkbox"
              checked={overrideOn}
              onChange={(event) => {
                setOverrideOn(event.target.checked);
              }}
            />
            <span>{t('override.toggle')}</span>
          </label>
          {overrideOn && (
            <>
              <fieldset className="choice-group">
                <legend>{t('override.level')}</legend>
                <div className="choices">
                  {SUPPORT_NEED_LEVELS.map((need) => (
                    <label key={need} className="choice">
                      <input
                        type="radio"
                        name="screening-override"
                        checked={overrideNeed === need}
                        onChange={() => {
                          setOverrideNeed(need);
                        }}
                      />
                      <span>{t(`supportNeed.${need}`)}</span>
                    </label>
                  ))}
                </div>
                {attempted && overrideMissing && <p className="field__error">{t('errors.overrideReasonRequired')}</p>}
              </fieldset>
              <div className="field">
                <label htmlFor="screening-override-reason">{t('override.reason')}</label>
                <textarea
                  id="screening-override-reason"
                  rows={2}
                  maxLength={SCREENING_NOTE_MAX_LENGTH}
                  value={overrideReason}
                  aria-describedby="screening-override-reason-hint screening-override-reason-limit"
                  aria-invalid={attempted && reasonTooShort ? true : undefined}
                  onChange={(event) => {
                    setOverrideReason(event.target.value);
                  }}
                />
                <p id="screening-override-reason-hint" className="hint">
                  {t('override.reasonHint')}
                </p>
                <TextLimit text={overrideReason} max={SCREENING_NOTE_MAX_LENGTH} id="screening-override-reason-limit" />
                <PersonalDataHint text={overrideReason} />
                {attempted && reasonTooShort && <p className="field__error">{t('errors.overrideReasonRequired')}</p>}
              </div>
            </>
          )}
        </fieldset>
      )}
    </RecordFormShell>
  );
}
