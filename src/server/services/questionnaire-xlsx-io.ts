// The questionnaire spreadsheet (XLSForm style: survey, choices, settings) to and from .xlsx. Only the
// cells: what they mean is the pure conversion in src/domain/questionnaire-xlsform.ts. Like the offer
// catalogue file, every cell is written as text, never as a formula, and a formula typed into an
// imported file is read as the value it shows (read-excel-file reads the cached value); a zip that unpacks too far is refused before reading.
import readXlsxFile from 'read-excel-file/node';
import writeXlsxFile from 'write-excel-file/node';
import type { XlsFormSheets, XlsFormWorkbook } from '@domain/questionnaire-xlsform';
import { MAX_QUESTIONNAIRE_XLSX_BYTES, XLSFORM_SHEETS } from '@shared/questionnaire-api';
import { zipWithinLimits } from './offer-file-io';

/** The file is no readable .xlsx (or unpacks to too much): nothing of it is used. */
export class UnreadableQuestionnaireFile extends Error {
  override readonly name = 'UnreadableQuestionnaireFile';
  constructor() {
    super('The file cannot be read as an .xlsx workbook.');
  }
}

/** The three sheets by name (case and spaces ignored); a sheet the workbook lacks stays undefined. */
export async function xlsxToSheets(file: Buffer): Promise<XlsFormSheets> {
  if (file.length > MAX_QUESTIONNAIRE_XLSX_BYTES || !zipWithinLimits(file)) throw new UnreadableQuestionnaireFile();
  let workbook: Awaited<ReturnType<typeof readXlsxFile>>;
  try {
    workbook = await readXlsxFile(file);
  } catch {
    throw new UnreadableQuestionnaireFile();
  }
  const sheets: XlsFormSheets = {};
  for (const { sheet, data } of workbook) {
    const name = XLSFORM_SHEETS.find((known) => known === sheet.trim().toLowerCase());
    if (name === undefined || sheets[name] !== undefined) continue;
    sheets[name] = data.map((cells) =>
      cells.map((cell) => {
        if (cell === null) return '';
        if (cell instanceof Date) return cell.toISOString().slice(0, 10);
        return typeof cell === 'string' ? cell : typeof cell === 'number' || typeof cell === 'boolean' ? String(cell) : '';
      }),
    );
  }
  return sheets;
}

export async function sheetsToXlsx(workbook: XlsFormWorkbook): Promise<Buffer> {
  const sheet = (name: (typeof XLSFORM_SHEETS)[number], rows: string[][]) => ({
    sheet: name,
    stickyRowsCount: 1,
    columns: (rows[0] ?? []).map((_, column) => ({
      width: Math.min(60, Math.max(10, ...rows.slice(0, 200).map((cells) => (cells[column] ?? '').length + 2))),
    })),
    data: rows.map((cells, index) =>
      cells.map((value) => ({ value, type: String, format: '@', ...(index === 0 ? { fontWeight: 'bold' as const } : {}) })),
    ),
  });
  return writeXlsxFile([
    sheet('survey', workbook.survey),
    sheet('choices', workbook.choices),
    sheet('settings', workbook.settings),
  ]).toBuffer();
}
