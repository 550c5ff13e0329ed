// Finding a case by its number: typed from the family's card (checked with the
// mod-37 symbol, so a typo never opens another family's case) or scanned from
// the card's QR code where the browser can read QR codes.
import { useCallback, useId, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { parseCaseNumber, type CaseNumberProblem } from '@domain/case-number';
import { useQrScanner } from './useQrScanner';

type Message = CaseNumberProblem | 'scanNotCaseNumber' | 'cameraUnavailable' | 'scanUnsupported';

export interface CaseNumberInputProps {
  /** Called with the canonical case number once one is typed or scanned correctly. */
  onFound: (caseNumber: string) => void;
  /** A label other than "Fallnummer", if the screen needs one. */
  label?: string | undefined;
  /** Said instead of "recognised" when the screen refused the recognised number (e.g. no consent here). */
  refused?: boolean | undefined;
}

export function CaseNumberInput({ onFound, label, refused = false }: CaseNumberInputProps) {
  const { t } = useTranslation('cases');
  const id = useId();
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<Message | null>(null);
  const [found, setFound] = useState<string | null>(null);

  const accept = useCallback(
    (caseNumber: string) => {
      setProblem(null);
      setValue(caseNumber);
      setFound(caseNumber);
      onFound(caseNumber);
    },
    [onFound],
  );

  const {
    videoRef,
    state: scanState,
    start: startScan,
    stop: stopScan,
    supported: canScan,
  } = useQrScanner(
    useCallback(
      (raw: string) => {
        const parsed = parseCaseNumber(raw);
        if (!parsed.ok) {
          setProblem('scanNotCaseNumber');
          return false;
        }
        accept(parsed.caseNumber);
        return true;
      },
      [accept],
    ),
  );

  const submit = () => {
    const parsed = parseCaseNumber(value);
    if (parsed.ok) accept(parsed.caseNumber);
    else {
      setFound(null);
      setProblem(parsed.problem);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    // No <form> of its own, so it can sit inside another form; Enter looks up.
    if (event.key === 'Enter') {
      event.preventDefault();
      submit();
    }
  };

  const scanProblem = scanState === 'cameraUnavailable' || scanState === 'scanUnsupported' ? scanState : null;
  const shownProblem = problem ?? scanProblem;
  const scanning = scanState === 'starting' || scanState === 'scanning';

  return (
    <div className="case-lookup">
      <div className="field">
        <label htmlFor={`${id}-input`}>{label ?? t('lookup.label')}</label>
        <div className="case-lookup__row">
          <input
            id={`${id}-input`}
            className="case-lookup__input"
            type="text"
            inputMode="text"
            autoCapitalize="characters"
            autoComplete="off"
            autoCorrect="off"
            spellCheck={false}
            dir="ltr"
            value={value}
            aria-invalid={shownProblem !== null && shownProblem !== 'scanNotCaseNumber' ? true : undefined}
            aria-describedby={`${id}-hint ${id}-message`}
            onChange={(event) => {
              setValue(event.target.value);
              setProblem(null);
              setFound(null);
            }}
            onKeyDown={onKeyDown}
          />
          <button type="button" className="button button--primary" onClick={submit}>
            {t('lookup.submit')}
          </button>
          {canScan && !scanning && (
            <button type="button" className="button" onClick={() => void startScan()}>
              {t('lookup.scan')}
            </button>
          )}
          {scanning && (
            <button type="button" className="button" onClick={stopScan}>
              {t('lookup.scanStop')}
            </button>
          )}
        </div>
        <p id={`${id}-hint`} className="hint">
          {t('lookup.hint')}
        </p>
        <div id={`${id}-message`} role="status">
          {shownProblem !== null && <p className="field__error">{t(`lookup.errors.${shownProblem}`)}</p>}
          {found !== null && shownProblem === null && !refused && (
            <p className="case-lookup__found">{t('lookup.found', { caseNumber: found })}</p>
          )}
        </div>
      </div>
      {canScan && (
        <div className="case-lookup__scanner" hidden={!scanning}>
          <p className="hint">{t('lookup.scanning')}</p>
          <video ref={videoRef} className="case-lookup__video" muted playsInline aria-label={t('lookup.videoLabel')} />
        </div>
      )}
    </div>
  );
}
