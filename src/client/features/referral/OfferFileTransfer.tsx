// The catalogue as a spreadsheet file: export as CSV or .xlsx (German headers
// and values) or as Open Referral HSDS 3.1 (JSON or the tabular data package,
// for other systems), import one back in two steps — the server first says what would
// be new, changed and removed (or every problem: row, column as in the header,
// the value and the allowed values), and only "Import bestätigen" writes it.
// The tablet app never loads a spreadsheet library: the server reads and writes
// the files; here they are only text or base64.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_CSV_BYTES, MAX_HSDS_JSON_BYTES, MAX_HSDS_ZIP_BYTES, MAX_XLSX_BYTES } from '@shared/referral-api';
import type { OfferFile, OfferFileFormat, OfferFileProblem, OfferImportPreview } from '@shared/referral-api';
import { RequestError } from '../../http/request';
import { apiErrorKey, type ApiErrorKey } from '../office/office-errors';
import { FormFailure } from '../office/FormFailure';
import type { ReferralOfficeApi } from './referral-office-api';
import './referral.css';

interface Pending {
  fileName: string;
  file: OfferFile;
  preview: OfferImportPreview;
}

const MAX_BYTES: Readonly<Record<OfferFileFormat, number>> = {
  csv: MAX_CSV_BYTES,
  xlsx: MAX_XLSX_BYTES,
  hsdsJson: MAX_HSDS_JSON_BYTES,
  hsdsZip: MAX_HSDS_ZIP_BYTES,
};
const MEDIA_TYPES: Readonly<Record<OfferFileFormat, string>> = {
  csv: 'text/csv;charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  hsdsJson: 'application/json',
  hsdsZip: 'application/zip',
};

/** By the file's ending: a .json is HSDS JSON, a .zip the HSDS data package, anything else a spreadsheet. */
function formatOf(file: File): OfferFileFormat {
  if (/\.xlsx$/i.test(file.name) || file.type.includes('spreadsheetml')) return 'xlsx';
  if (/\.json$/i.test(file.name) || file.type === 'application/json') return 'hsdsJson';
  if (/\.zip$/i.test(file.name) || file.type.includes('zip')) return 'hsdsZip';
  return 'csv';
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function download(fileName: string, format: OfferFileFormat, content: string): void {
  const textual = format === 'csv' || format === 'hsdsJson';
  const blob = new Blob([textual ? content : Uint8Array.from(atob(content), (c) => c.charCodeAt(0))], { type: MEDIA_TYPES[format] });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}

/** In HSDS JSON a problem's "row" is the service's position in `contents`: an entry, not a spreadsheet row. */
function ProblemItem({ problem, entries }: { problem: OfferFileProblem; entries: boolean }) {
  const { t } = useTranslation('referral');
  const key = problem.problem === 'notAllowed' && problem.value === null ? 'invalidValue' : problem.problem;
  const message = t(`fileProblems.${key}`, { value: problem.value ?? '', max: problem.max ?? 0 });
  const where =
    problem.row === 0
      ? message
      : problem.column === null
        ? t(entries ? 'catalog.file.problemEntry' : 'catalog.file.problemRow', { row: problem.row, message })
        : t(entries ? 'catalog.file.problemAtEntry' : 'catalog.file.problemAt', { row: problem.row, column: problem.column, message });
  return (
    <li>
      {where}
      {problem.allowed !== null && problem.allowed.length > 0 && (
        <>
          {' '}
          <span className="offer-file__allowed">{t('catalog.file.allowed', { values: problem.allowed.join(', ') })}</span>
        </>
      )}
      {problem.allowed !== null && problem.allowed.length === 0 && <> {t('catalog.file.noneAllowed')}</>}
    </li>
  );
}

function PreviewBox({
  pending,
  busy,
  onConfirm,
  onDiscard,
}: {
  pending: Pending;
  busy: boolean;
  onConfirm: () => void;
  onDiscard: () => void;
}) {
  const { t } = useTranslation('referral');
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    box.current?.focus();
  }, []);
  const { preview } = pending;
  const names = (list: readonly { name: string }[]) => list.map((offer) => offer.name).join(', ');
  return (
    <div
      ref={box}
      className="office-confirm offer-file__preview"
      role="alertdialog"
      aria-labelledby="offer-file-preview-title"
      aria-describedby="offer-file-preview-summary"
      tabIndex={-1}
      data-testid="offer-file-preview"
    >
      <h3 id="offer-file-preview-title">{t('catalog.file.previewTitle', { fileName: pending.fileName })}</h3>
      <p id="offer-file-preview-summary" data-testid="offer-file-summary">
        {t('catalog.file.summary', {
          created: preview.created.length,
          changed: preview.changed.length,
          removed: preview.removed.length,
          unchanged: preview.unchanged,
        })}
      </p>
      <dl className="offer-file__changes">
        {preview.created.length > 0 && (
          <>
            <dt>{t('catalog.file.createdList')}</dt>
            <dd>{names(preview.created)}</dd>
          </>
        )}
        {preview.changed.length > 0 && (
          <>
            <dt>{t('catalog.file.changedList')}</dt>
            <dd>
              <ul>
                {preview.changed.map((offer) => (
                  <li key={offer.id}>
                    {t('catalog.file.changedColumns', {
                      name: offer.name,
                      columns: offer.columns.map((column) => t(`catalog.fields.${column}`)).join(', '),
                    })}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
        {preview.removed.length > 0 && (
          <>
            <dt>{t('catalog.file.removedList')}</dt>
            <dd>{names(preview.removed)}</dd>
          </>
        )}
        {preview.kept.length > 0 && (
          <>
            <dt>{t('catalog.file.keptList')}</dt>
            <dd>{names(preview.kept)}</dd>
          </>
        )}
      </dl>
      <div className="actions">
        <button type="button" className="button button--primary" disabled={busy} onClick={onConfirm}>
          {t('catalog.file.confirm')}
        </button>
        <button type="button" className="button" disabled={busy} onClick={onDiscard}>
          {t('catalog.file.discard')}
        </button>
      </div>
    </div>
  );
}

export function OfferFileTransfer({ client, onImported }: { client: ReferralOfficeApi; onImported: () => void }) {
  const { t } = useTranslation('referral');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [problems, setProblems] = useState<{ list: OfferFileProblem[]; more: boolean; format: OfferFileFormat } | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const reset = () => {
    setFailure(null);
    setNotice(null);
    setProblems(null);
    setPending(null);
  };

  const exportAs = async (format: OfferFileFormat) => {
    reset();
    setBusy(true);
    try {
      const exported = await client.exportFile(format);
      download(exported.fileName, exported.format, exported.content);
      setNotice(t('catalog.file.exported', { fileName: exported.fileName }));
    } catch (error) {
      setFailure(apiErrorKey(error, 'load'));
    } finally {
      setBusy(false);
    }
  };

  const choose = async (chosen: File) => {
    reset();
    const format = formatOf(chosen);
    if (chosen.size > MAX_BYTES[format]) {
      setNotice(t('catalog.file.tooLarge', { megabytes: Math.round(MAX_BYTES[format] / (1024 * 1024)) }));
      return;
    }
    setBusy(true);
    try {
      const file: OfferFile =
        format === 'xlsx' || format === 'hsdsZip'
          ? { format, base64: toBase64(new Uint8Array(await chosen.arrayBuffer())) }
          : { format, text: await chosen.text() };
      const preview = await client.previewImport(file);
      if (preview.problems.length > 0) setProblems({ list: preview.problems, more: preview.moreProblems, format });
      else if (preview.created.length + preview.changed.length + preview.removed.length === 0) setNotice(t('catalog.file.noChanges'));
      else setPending({ fileName: chosen.name, file, preview });
    } catch (error) {
      setFailure(apiErrorKey(error, 'load'));
    } finally {
      setBusy(false);
      if (fileInput.current) fileInput.current.value = '';
    }
  };

  const confirm = async (current: Pending) => {
    setBusy(true);
    setFailure(null);
    try {
      const result = await client.importFile(current.file, current.preview.baseVersion);
      setPending(null);
      setNotice(t('catalog.file.imported', result));
      onImported();
    } catch (error) {
      setPending(null);
      if (error instanceof RequestError && error.status === 409) setNotice(t('catalog.file.changedSincePreview'));
      else setFailure(apiErrorKey(error, 'load'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="offer-file" data-testid="offer-file">
      <div className="actions">
        <button type="button" className="button" disabled={busy} onClick={() => void exportAs('csv')}>
          {t('catalog.file.exportCsv')}
        </button>
        <button type="button" className="button" disabled={busy} onClick={() => void exportAs('xlsx')}>
          {t('catalog.file.exportXlsx')}
        </button>
        <button type="button" className="button" disabled={busy} onClick={() => void exportAs('hsdsJson')}>
          {t('catalog.file.exportHsdsJson')}
        </button>
        <button type="button" className="button" disabled={busy} onClick={() => void exportAs('hsdsZip')}>
          {t('catalog.file.exportHsdsZip')}
        </button>
        <label className="button" htmlFor="offer-file-import" aria-disabled={busy ? true : undefined}>
          {t('catalog.file.import')}
        </label>
        <input
          id="offer-file-import"
          ref={fileInput}
          className="visually-hidden"
          type="file"
          disabled={busy}
          accept=".csv,.xlsx,.json,.zip,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/json,application/zip"
          onChange={(event) => {
            const chosen = event.target.files?.[0];
            if (chosen) void choose(chosen);
          }}
        />
      </div>
      <p className="hint">{t('catalog.file.hint')}</p>
      <p className="hint">{t('catalog.file.hsdsHint')}</p>
      <FormFailure failure={failure} />
      <div role="status">
        {busy && <p className="hint">{t('catalog.file.working')}</p>}
        {notice !== null && <p className="notice">{notice}</p>}
      </div>
      {problems !== null && (
        <div className="form-error offer-file__problems" role="alert" data-testid="offer-file-problems">
          <p>
            {t(problems.format === 'csv' || problems.format === 'xlsx' ? 'catalog.file.problemsTitle' : 'catalog.file.problemsTitleHsds')}
          </p>
          <ul>
            {problems.list.map((problem, index) => (
              <ProblemItem key={index} problem={problem} entries={problems.format === 'hsdsJson'} />
            ))}
          </ul>
          {problems.more && <p>{t('catalog.file.moreProblems')}</p>}
        </div>
      )}
      {pending !== null && (
        <PreviewBox
          pending={pending}
          busy={busy}
          onConfirm={() => void confirm(pending)}
          onDiscard={() => {
            setPending(null);
            setNotice(t('catalog.file.discarded'));
          }}
        />
      )}
    </div>
  );
}
