// Why a screening scored what it did, for staff and the second checker alike:
// which answers gave how many points, which answer matched an acute-danger
// rule of the questionnaire, the thresholds with the one reached, and the
// staff member's override with its reason. One component wherever a result is
// shown (evaluation box, second check on the tablet and in the queue), fed by
// the domain's explainScore — the same function that gives the score.
import { useTranslation } from 'react-i18next';
import type {
  AnswerContribution,
  Question,
  QuestionnaireDefinition,
  ScoreExplanation as Explanation,
  SupportNeed,
} from '@domain/questionnaire';
import { SUPPORT_NEED_LEVELS } from '@shared/records/screening';
import { allQuestions, textIn, type StaffTextLanguage } from './definition';
import { answerText, optionLabel } from './answer-text';
import './score-explanation.css';

const THRESHOLD_LEVELS = SUPPORT_NEED_LEVELS.filter((need): need is Exclude<SupportNeed, 'none'> => need !== 'none');

function AnswerCell({
  contribution,
  question,
  value,
  language,
}: {
  contribution: AnswerContribution;
  question: Question | undefined;
  value: unknown;
  language: StaffTextLanguage;
}) {
  const { t } = useTranslation('screening');
  const [only] = contribution.options;
  if (contribution.options.length === 1 && only) {
    return (
      <>
        {optionLabel(question, only.id, language)}
        {only.acuteDanger && <span className="badge badge--danger score-explanation__danger-mark">{t('explanation.dangerMark')}</span>}
      </>
    );
  }
  if (contribution.options.length > 1) {
    return (
      <ul className="score-explanation__options">
        {contribution.options.map((option) => (
          <li key={option.id}>
            {optionLabel(question, option.id, language)}
            {` (${t('explanation.points', { count: option.points })})`}
            {option.acuteDanger && (
              <span className="badge badge--danger score-explanation__danger-mark">{t('explanation.dangerMark')}</span>
            )}
          </li>
        ))}
      </ul>
    );
  }
  return (
    <>
      {answerText(question, value, language, { yes: t('yes'), no: t('no') })}
      {contribution.scale &&
        ` (${t('explanation.scaleSteps', { steps: contribution.scale.steps, perStep: contribution.scale.pointsPerStep })})`}
      {contribution.acuteDanger && (
        <span className="badge badge--danger score-explanation__danger-mark">{t('explanation.dangerMark')}</span>
      )}
    </>
  );
}

export function ScoreExplanation({
  definition,
  explanation,
  answers,
  override,
  language,
  headingLevel = 3,
}: {
  definition: QuestionnaireDefinition;
  explanation: Explanation;
  /** The answers explained (for the answer texts). */
  answers: Readonly<Record<string, unknown>>;
  override?: { supportNeed: SupportNeed; reason: string } | null | undefined;
  language: StaffTextLanguage;
  headingLevel?: 3 | 4;
}) {
  const { t } = useTranslation('screening');
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  const questions = new Map(allQuestions(definition).map((q) => [q.id, q]));
  const labelOf = (id: string): string => {
    const question = questions.get(id);
    return question ? textIn(question.label, language) : id;
  };
  const counted = explanation.contributions.filter((c) => c.points !== 0 || c.acuteDanger);
  const dangers = explanation.contributions.filter((c) => c.acuteDanger);
  const { reason, score, supportNeed, thresholds } = explanation;

  return (
    <div className="score-explanation" data-testid="score-explanation">
      <Heading>{t('explanation.pointsTitle')}</Heading>
      {counted.length === 0 ? (
        <p>{t('explanation.noPoints')}</p>
      ) : (
        <table className="score-explanation__table" data-testid="score-points">
          <thead>
            <tr>
              <th scope="col">{t('explanation.question')}</th>
              <th scope="col">{t('explanation.answer')}</th>
              <th scope="col" className="score-explanation__number">
                {t('explanation.pointsColumn')}
              </th>
            </tr>
          </thead>
          <tbody>
            {counted.map((contribution) => (
              <tr key={contribution.questionId} data-question={contribution.questionId} data-points={contribution.points}>
                <th scope="row">{labelOf(contribution.questionId)}</th>
                <td>
                  <AnswerCell
                    contribution={contribution}
                    question={questions.get(contribution.questionId)}
                    value={answers[contribution.questionId]}
                    language={language}
                  />
                </td>
                <td className="score-explanation__number">{contribution.points}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={2}>
                {t('explanation.total')}
              </th>
              <td className="score-explanation__number" data-testid="score-total">
                {score}
              </td>
            </tr>
          </tfoot>
        </table>
      )}

      <Heading>{t('explanation.dangerTitle')}</Heading>
      {dangers.length === 0 ? (
        <p>{t('explanation.dangerNone')}</p>
      ) : (
        <ul className="score-explanation__dangers" data-testid="score-danger-rules">
          {dangers.map((contribution) => {
            const question = questions.get(contribution.questionId);
            const answer =
              contribution.options.length > 0
                ? contribution.options
                    .filter((o) => o.acuteDanger)
                    .map((o) => optionLabel(question, o.id, language))
                    .join(', ')
                : t('yes');
            return (
              <li key={contribution.questionId}>{t('explanation.dangerRule', { question: labelOf(contribution.questionId), answer })}</li>
            );
          })}
        </ul>
      )}

      <Heading>{t('explanation.thresholdsTitle', { version: definition.version })}</Heading>
      <ol className="score-explanation__thresholds">
        {THRESHOLD_LEVELS.map((need) => {
          const reached = reason.kind === 'threshold' && reason.threshold === need;
          return (
            <li
              key={need}
              className={reached ? 'score-explanation__threshold--reached' : undefined}
              aria-current={reached ? 'true' : undefined}
            >
              {t('explanation.thresholdFrom', { count: thresholds[need], need: t(`supportNeed.${need}`) })}
            </li>
          );
        })}
      </ol>
      <p className="score-explanation__reason" data-testid="score-reason">
        {reason.kind === 'acuteDanger'
          ? t('explanation.reasonAcuteDanger', { need: t('supportNeed.urgent') })
          : reason.kind === 'threshold'
            ? t('explanation.reasonThreshold', { need: t(`supportNeed.${supportNeed}`), count: score, from: reason.from })
            : t('explanation.reasonBelow', { need: t('supportNeed.none'), count: score, from: thresholds.informationOnly })}
      </p>

      {override && (
        <div className="score-explanation__override" data-testid="score-override">
          <Heading>{t('explanation.overrideTitle')}</Heading>
          <p>{t('explanation.override', { need: t(`supportNeed.${override.supportNeed}`), computed: t(`supportNeed.${supportNeed}`) })}</p>
          <p>
            {t('explanation.overrideReason')} <q>{override.reason}</q>
          </p>
        </div>
      )}
    </div>
  );
}
