// The mark beside an answer the family gave itself (family mode): "answered by
// the family", or — where staff changed it with the family — what the family
// had chosen. Shown to staff while they review, and to the second checker.
import { useTranslation } from 'react-i18next';
import type { Question } from '@domain/questionnaire';
import type { FamilyAnswerMark } from '@shared/records/screening';
import { answerText } from './answer-text';
import type { StaffTextLanguage } from './definition';

export function FamilyAnswerNote({
  mark,
  question,
  language,
}: {
  mark: FamilyAnswerMark | undefined;
  question: Question | undefined;
  language: StaffTextLanguage;
}) {
  const { t } = useTranslation('screening');
  if (mark === undefined) return null;
  if (mark.by === 'family')
    return (
      <p className="family-answer-note" data-answered-by="family">
        {t('family.byFamily')}
      </p>
    );
  const original = answerText(question, mark.familyAnswer, language, { yes: t('yes'), no: t('no') });
  return (
    <p className="family-answer-note family-answer-note--changed" data-answered-by="changedByStaff">
      {t('family.changedByStaff', { answer: original })}
    </p>
  );
}
