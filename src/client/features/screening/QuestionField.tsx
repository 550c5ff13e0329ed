// One question of the screening, by type: yes/no as two big choices, single
// as radio chips, multiple as checkbox chips, a scale as a row of radio
// buttons with its end labels, a number with its range, a note with the
// personal-data hint. Texts come from the definition, in the staff language.
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AnswerValue, Question } from '@domain/questionnaire';
import { SCREENING_NOTE_MAX_LENGTH } from '@shared/records/screening';
import { PersonalDataHint } from '../../forms/PersonalDataHint';
import { TextLimit } from '../../forms/TextLimit';
import { textIn, type StaffTextLanguage } from './definition';

export interface QuestionFieldProps {
  question: Question;
  value: AnswerValue | undefined;
  language: StaffTextLanguage;
  /** `undefined` removes the answer; `invalid` marks a number typed outside its range. */
  onChange: (value: AnswerValue | undefined, invalid?: boolean) => void;
  missing: boolean;
  /** Under the question: who answered it (the family, or staff changing the family's answer). */
  answeredBy?: ReactNode;
}

function parseWhole(text: string): number | null {
  if (!/^\s*-?\d+\s*$/.test(text)) return null;
  return Number.parseInt(text, 10);
}

export function QuestionField({ question, value, language, onChange, missing, answeredBy }: QuestionFieldProps) {
  const { t } = useTranslation('screening');
  const [numberText, setNumberText] = useState(() => (typeof value === 'number' ? String(value) : ''));
  const id = `screening-${question.id}`;
  const hintId = question.hint ? `${id}-hint` : undefined;
  const label = textIn(question.label, language);
  const required = question.required === true && <span className="screening__required"> ({t('required')})</span>;
  const hint = question.hint && (
    <p id={hintId} className="hint">
      {textIn(question.hint, language)}
    </p>
  );
  const help = (
    <>
      {hint}
      {answeredBy}
    </>
  );
  const className = `screening__question${missing ? ' screening__question--missing' : ''}`;

  if (question.type === 'number') {
    const range = question.range;
    const parsed = parseWhole(numberText);
    const outOfRange = numberText.trim() !== '' && (parsed === null || (range !== undefined && (parsed < range.min || parsed > range.max)));
    const rangeId = `${id}-range`;
    return (
      <div className={`field ${className}`} data-question={question.id}>
        <label htmlFor={id}>
          {label}
          {required}
        </label>
        {help}
        <input
          id={id}
          type="number"
          inputMode="numeric"
          step={1}
          min={range?.min}
          max={range?.max}
          value={numberText}
          aria-describedby={[hintId, rangeId].filter(Boolean).join(' ')}
          aria-invalid={outOfRange ? true : undefined}
          onChange={(event) => {
            const text = event.target.value;
            setNumberText(text);
            const next = parseWhole(text);
            const fits = next !== null && (range === undefined || (next >= range.min && next <= range.max));
            onChange(fits ? next : undefined, text.trim() !== '' && !fits);
          }}
        />
        {range && (
          <p id={rangeId} className="hint">
            {t('numberRange', { min: range.min, max: range.max })}
          </p>
        )}
        {outOfRange && range && <p className="field__error">{t('errors.numberOutOfRange', { min: range.min, max: range.max })}</p>}
      </div>
    );
  }

  if (question.type === 'note') {
    const text = typeof value === 'string' ? value : '';
    return (
      <div className={`field ${className}`} data-question={question.id}>
        <label htmlFor={id}>
          {label}
          {required}
        </label>
        {help}
        <textarea
          id={id}
          rows={2}
          maxLength={SCREENING_NOTE_MAX_LENGTH}
          value={text}
          aria-describedby={[hintId, `${id}-limit`].filter(Boolean).join(' ')}
          onChange={(event) => {
            onChange(event.target.value === '' ? undefined : event.target.value);
          }}
        />
        <TextLimit text={text} max={SCREENING_NOTE_MAX_LENGTH} id={`${id}-limit`} />
        <PersonalDataHint text={text} />
      </div>
    );
  }

  const choices: { key: string; label: string; checked: boolean; toggle: () => void }[] = [];
  let kind: 'radio' | 'checkbox' = 'radio';
  if (question.type === 'yesNo') {
    for (const answer of [true, false]) {
      choices.push({
        key: String(answer),
        label: answer ? t('yes') : t('no'),
        checked: value === answer,
        toggle: () => {
          onChange(answer);
        },
      });
    }
  } else if (question.type === 'single') {
    for (const option of question.options ?? []) {
      choices.push({
        key: option.id,
        label: textIn(option.label, language),
        checked: value === option.id,
        toggle: () => {
          onChange(option.id);
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
        label: textIn(option.label, language),
        checked,
        toggle: () => {
          // Kept in the definition's order, whatever the order of taps.
          const next = (question.options ?? []).map((o) => o.id).filter((o) => (o === option.id ? !checked : chosen.includes(o)));
          onChange(next.length > 0 ? next : undefined);
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
          onChange(step);
        },
      });
    }
  }

  const inputs = choices.map((choice) => (
    <label
      key={choice.key}
      className={`choice${question.type === 'yesNo' ? ' screening__yes-no' : ''}${question.type === 'scale' ? ' screening__step' : ''}`}
    >
      <input type={kind} name={id} value={choice.key} checked={choice.checked} onChange={choice.toggle} />
      <span>{choice.label}</span>
    </label>
  ));

  return (
    <fieldset className={`choice-group ${className}`} data-question={question.id} aria-describedby={hintId}>
      <legend>
        {label}
        {required}
      </legend>
      {help}
      {question.type === 'scale' && question.scale ? (
        <div className="screening__scale">
          {question.scale.minLabel && <span className="screening__scale-end">{textIn(question.scale.minLabel, language)}</span>}
          <div className="choices screening__steps">{inputs}</div>
          {question.scale.maxLabel && <span className="screening__scale-end">{textIn(question.scale.maxLabel, language)}</span>}
        </div>
      ) : (
        <div className="choices">{inputs}</div>
      )}
    </fieldset>
  );
}
