// The screening's family part, on the screen the family holds: its own
// questions only, in its language (right to left for Arabic and Persian), one
// question per screen with large answers, how far it is, back and next, and —
// where the tablet has a voice for the language — "read aloud". Nothing of the
// evaluation: no points, level or danger flag; the form around it keeps
// scoring, and calls staff quietly when an answer needs them.
import { useEffect, useRef, useState } from 'react';
import type { AnswerValue, Question } from '@domain/questionnaire';
import { textDirection, type FamilyLanguage } from '@shared/languages';
import { SCREENING_NOTE_MAX_LENGTH } from '@shared/records/screening';
import { useFamilyTexts } from '../family-card/useFamilyTexts';
import { familyText } from './definition';
import { useReadAloud } from './useReadAloud';

interface Choice {
  key: string;
  label: string;
  checked: boolean;
  toggle: () => void;
}

function parseWhole(text: string): number | null {
  return /^\s*-?\d+\s*$/.test(text) ? Number.parseInt(text, 10) : null;
}

/** Everything a question says, in reading order: the question, its help, its answers. */
function spokenText(question: Question, language: FamilyLanguage, words: { yes: string; no: string }): string {
  const parts = [familyText(question.label, language)];
  if (question.hint) parts.push(familyText(question.hint, language));
  if (question.type === 'yesNo') parts.push(words.yes, words.no);
  for (const option of question.options ?? []) parts.push(familyText(option.label, language));
  if (question.scale?.minLabel) parts.push(familyText(question.scale.minLabel, language));
  if (question.scale?.maxLabel) parts.push(familyText(question.scale.maxLabel, language));
  return parts.join('. ');
}

export function FamilyScreening({
  questions,
  answers,
  language,
  onAnswer,
}: {
  /** The family's questions shown for the answers so far, in order. */
  questions: readonly Question[];
  answers: Readonly<Record<string, AnswerValue>>;
  language: FamilyLanguage;
  onAnswer: (id: string, value: AnswerValue | undefined, invalid?: boolean) => void;
}) {
  const { t } = useFamilyTexts(language);
  const dir = textDirection(language);
  const readAloud = useReadAloud(language);
  // Which question is on screen, by id: a skip rule that adds or removes a later question keeps it in place.
  const [currentId, setCurrentId] = useState<string | null>(() => questions[0]?.id ?? null);
  const [finished, setFinished] = useState(questions.length === 0);
  const heading = useRef<HTMLHeadingElement>(null);
  const index = Math.max(
    0,
    questions.findIndex((q) => q.id === currentId),
  );
  const question = questions[index];
  const words = { yes: t('screening.yes'), no: t('screening.no') };

  // A new screen: its question gets the focus (screen readers read it).
  const shownId = finished ? 'finished' : question?.id;
  useEffect(() => {
    heading.current?.focus();
  }, [shownId]);

  const go = (to: number): void => {
    readAloud?.stop();
    if (to >= questions.length) {
      setFinished(true);
      return;
    }
    setFinished(false);
    setCurrentId(questions[Math.max(0, to)]?.id ?? null);
  };

  if (finished || question === undefined) {
    return (
      <section
        className="card family-screening"
        lang={language}
        dir={dir}
        aria-labelledby="family-screening-done"
        data-testid="family-screening-done"
      >
        <h1 id="family-screening-done" ref={heading} tabIndex={-1}>
          {t('screening.doneTitle')}
        </h1>
        <p>{questions.length === 0 ? t('screening.noQuestions') : t('screening.doneText')}</p>
        {questions.length > 0 && (
          <div className="actions family-screening__nav">
            <button
              type="button"
              className="button button--large"
              onClick={() => {
                go(0);
              }}
            >
              {t('screening.review')}
            </button>
          </div>
        )}
      </section>
    );
  }

  const value = answers[question.id];
  const id = `family-question-${question.id}`;
  const hintId = question.hint ? `${id}-hint` : undefined;
  const choices: Choice[] = [];
  let kind: 'radio' | 'checkbox' = 'radio';
  if (question.type === 'yesNo') {
    for (const answer of [true, false]) {
      choices.push({
        key: String(answer),
        label: answer ? words.yes : words.no,
        checked: value === answer,
        toggle: () => {
          onAnswer(question.id, answer);
        },
      });
    }
  } else if (question.type === 'single') {
    for (const option of question.options ?? []) {
      choices.push({
        key: option.id,
        label: familyText(option.label, language),
        checked: value === option.id,
        toggle: () => {
          onAnswer(question.id, option.id);
        },
      });
    }
  } else if (question.type === 'multiple') {
    kind = 'checkbox';
    const chosen = Array.isArray(value) ? value : [];
    for (const option of question.options ?? []) {
      const checked = chosen.includes(option.id);
      choices.push({
        key: option.id,
        label: familyText(option.label, language),
        checked,
        toggle: () => {
          const next = (question.options ?? []).map((o) => o.id).filter((o) => (o === option.id ? !checked : chosen.includes(o)));
          onAnswer(question.id, next.length > 0 ? next : undefined);
        },
      });
    }
  } else if (question.scale) {
    for (let step = question.scale.min; step <= question.scale.max; step += 1) {
      choices.push({
        key: String(step),
        label: String(step),
        checked: value === step,
        toggle: () => {
          onAnswer(question.id, step);
        },
      });
    }
  }

  const answerArea = (): React.ReactNode => {
    if (question.type === 'number') {
      return (
        <FamilyNumber
          key={question.id}
          id={id}
          hintId={hintId}
          range={question.range}
          value={value}
          rangeText={question.range ? t('screening.numberRange', { min: question.range.min, max: question.range.max }) : null}
          onChange={(next, invalid) => {
            onAnswer(question.id, next, invalid);
          }}
        />
      );
    }
    if (question.type === 'note') {
      return (
        <div className="field">
          <textarea
            id={id}
            rows={3}
            maxLength={SCREENING_NOTE_MAX_LENGTH}
            value={typeof value === 'string' ? value : ''}
            aria-labelledby={`${id}-label`}
            aria-describedby={hintId}
            onChange={(event) => {
              onAnswer(question.id, event.target.value === '' ? undefined : event.target.value);
            }}
          />
        </div>
      );
    }
    const inputs = choices.map((choice) => (
      <label key={choice.key} className={`choice choice--block family-answer${question.type === 'scale' ? ' family-answer--step' : ''}`}>
        <input type={kind} name={id} value={choice.key} checked={choice.checked} onChange={choice.toggle} />
        <span>{choice.label}</span>
      </label>
    ));
    if (question.type === 'scale' && question.scale) {
      return (
        <div className="family-scale">
          {question.scale.minLabel && <span className="family-scale__end">{familyText(question.scale.minLabel, language)}</span>}
          <div className="family-scale__steps">{inputs}</div>
          {question.scale.maxLabel && <span className="family-scale__end">{familyText(question.scale.maxLabel, language)}</span>}
        </div>
      );
    }
    return <div className={`family-answers${question.type === 'yesNo' ? ' family-answers--two' : ''}`}>{inputs}</div>;
  };

  const grouped = question.type !== 'number' && question.type !== 'note';
  const body = (
    <>
      {hintId && (
        <p id={hintId} className="hint family-question__hint">
          {familyText(question.hint ?? {}, language)}
        </p>
      )}
      {readAloud && (
        <button
          type="button"
          className="button family-question__read"
          data-testid="read-aloud"
          onClick={() => {
            if (readAloud.speaking) readAloud.stop();
            else readAloud.read(spokenText(question, language, words));
          }}
        >
          <span aria-hidden="true">🔊 </span>
          {readAloud.speaking ? t('screening.stopReading') : t('screening.readAloud')}
        </button>
      )}
      {answerArea()}
    </>
  );

  return (
    <section className="card family-screening" lang={language} dir={dir} aria-labelledby={`${id}-label`} data-testid="family-screening">
      <div className="family-screening__progress">
        <span id="family-screening-progress">{t('screening.progress', { current: index + 1, total: questions.length })}</span>
        <progress max={questions.length} value={index + 1} aria-labelledby="family-screening-progress" />
      </div>
      {index === 0 && <p className="hint family-screening__skip">{t('screening.skipHint')}</p>}
      {grouped ? (
        <fieldset className="choice-group family-question" data-question={question.id} aria-describedby={hintId}>
          <legend>
            <h1 id={`${id}-label`} ref={heading} tabIndex={-1} className="family-question__label">
              {familyText(question.label, language)}
            </h1>
          </legend>
          {body}
        </fieldset>
      ) : (
        <div className="family-question" data-question={question.id}>
          <h1 id={`${id}-label`} ref={heading} tabIndex={-1} className="family-question__label">
            <label htmlFor={id}>{familyText(question.label, language)}</label>
          </h1>
          {body}
        </div>
      )}
      <div className="actions family-screening__nav">
        <button
          type="button"
          className="button button--large"
          disabled={index === 0}
          onClick={() => {
            go(index - 1);
          }}
        >
          {t('screening.back')}
        </button>
        <button
          type="button"
          className="button button--primary button--large"
          onClick={() => {
            go(index + 1);
          }}
        >
          {index + 1 === questions.length ? t('screening.finish') : t('screening.next')}
        </button>
      </div>
    </section>
  );
}

/** A number answer: its own text while typed (one per question), the answer only when it fits the range. */
function FamilyNumber({
  id,
  hintId,
  range,
  value,
  rangeText,
  onChange,
}: {
  id: string;
  hintId: string | undefined;
  range: { min: number; max: number } | undefined;
  value: AnswerValue | undefined;
  rangeText: string | null;
  onChange: (value: number | undefined, invalid: boolean) => void;
}) {
  const [text, setText] = useState(() => (typeof value === 'number' ? String(value) : ''));
  const parsed = parseWhole(text);
  const wrong = text.trim() !== '' && (parsed === null || (range !== undefined && (parsed < range.min || parsed > range.max)));
  return (
    <div className="field family-question__number">
      <input
        id={id}
        type="number"
        inputMode="numeric"
        step={1}
        min={range?.min}
        max={range?.max}
        value={text}
        aria-labelledby={`${id}-label`}
        aria-describedby={[hintId, `${id}-range`].filter(Boolean).join(' ')}
        aria-invalid={wrong ? true : undefined}
        onChange={(event) => {
          const typed = event.target.value;
          setText(typed);
          const next = parseWhole(typed);
          const fits = next !== null && (range === undefined || (next >= range.min && next <= range.max));
          onChange(fits ? next : undefined, typed.trim() !== '' && !fits);
        }}
      />
      {rangeText !== null && (
        <p id={`${id}-range`} className={wrong ? 'field__error' : 'hint'}>
          {rangeText}
        </p>
      )}
    </div>
  );
}
