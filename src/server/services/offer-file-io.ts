// The catalogue file's cells to and from the two spreadsheet formats: CSV
// (semicolon-separated, UTF-8 with BOM, as a German spreadsheet opens it) and
// .xlsx (one sheet, every cell text). Neither lets a spreadsheet run a cell as
// a formula: CSV cells that start like one get a leading apostrophe
// (csv-cells.ts), .xlsx cells are written as text, never as formulas, and a
// formula typed into an .xlsx is read as the value it shows.
import { inflateRawSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { readSheet, type SheetData } from 'read-excel-file/node';
import writeXlsxFile from 'write-excel-file/node';
import { MAX_XLSX_BYTES } from '@shared/referral-api';
import { neutraliseFormula, restoreFormulaCell } from './csv-cells';

/** The file could not be read as a table at all (broken quote, not an .xlsx); `row` where known. */
export class UnreadableOfferFile extends Error {
  override readonly name = 'UnreadableOfferFile';
  constructor(readonly row: number) {
    super('The file cannot be read as a table.');
  }
}

export function rowsToCsv(rows: readonly (readonly string[])[]): string {
  return `\uFEFF${stringify(
    rows.map((cells) => cells.map(neutraliseFormula)),
    { delimiter: ';' },
  )}`;
}

/** Semicolon- or comma-separated (whichever the header row uses), with or without BOM. */
export function csvToRows(csv: string): string[][] {
  const text = csv.replace(/^\uFEFF/, '');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = firstLine.includes(';') ? ';' : firstLine.includes('\t') ? '\t' : ',';
  try {
    const records: string[][] = parse(text, { delimiter, relax_column_count: true });
    return records.map((cells) => cells.map(restoreFormulaCell));
  } catch (error) {
    const line = typeof error === 'object' && error !== null && 'lines' in error && typeof error.lines === 'number' ? error.lines : 0;
    throw new UnreadableOfferFile(line);
  }
}

export async function rowsToXlsx(rows: readonly (readonly string[])[]): Promise<Buffer> {
  const data = rows.map((cells, index) =>
    cells.map((value) => ({ value, type: String, format: '@', ...(index === 0 ? { fontWeight: 'bold' as const } : {}) })),
  );
  const widths = (rows[0] ?? []).map((_, column) => ({
    width: Math.min(60, Math.max(10, ...rows.slice(0, 200).map((cells) => (cells[column] ?? '').length + 2))),
  }));
  return writeXlsxFile(data, { sheet: 'Angebote', columns: widths, stickyRowsCount: 1 }).toBuffer();
}

/** An .xlsx (and an HSDS package) is a zip: refuse one whose parts unpack to more than this (a "zip bomb"). */
const MAX_XLSX_UNPACKED_BYTES = 40 * 1024 * 1024;
const MAX_XLSX_PARTS = 200;

/**
 * Unpacks every part of the zip once with a hard cap on the bytes produced (a part may claim a small
 * size and unpack to gigabytes); false when it is no zip, uses another compression or unpacks too much.
 */
export function zipWithinLimits(zip: Buffer): boolean {
  const endOfDirectory = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endOfDirectory < 0 || endOfDirectory + 22 > zip.length) return false;
  const parts = zip.readUInt16LE(endOfDirectory + 10);
  let offset = zip.readUInt32LE(endOfDirectory + 16);
  if (parts > MAX_XLSX_PARTS) return false;
  let budget = MAX_XLSX_UNPACKED_BYTES;
  try {
    for (let part = 0; part < parts; part++) {
      if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== 0x02014b50) return false;
      const method = zip.readUInt16LE(offset + 10);
      const compressed = zip.readUInt32LE(offset + 20);
      const declared = zip.readUInt32LE(offset + 24);
      const local = zip.readUInt32LE(offset + 42);
      if (declared > budget || local + 30 > zip.length || zip.readUInt32LE(local) !== 0x04034b50) return false;
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + compressed);
      if (method === 8) budget -= inflateRawSync(data, { maxOutputLength: Math.max(1, budget) }).length;
      else if (method === 0) budget -= data.length;
      else return false;
      if (budget < 0) return false;
      offset += 46 + zip.readUInt16LE(offset + 28) + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
    }
  } catch {
    // Broken deflate data, or more bytes than the cap (RangeError from maxOutputLength).
    return false;
  }
  return true;
}

/** The first sheet's cells as text (numbers and dates as the spreadsheet stored them). */
export async function xlsxToRows(file: Buffer): Promise<string[][]> {
  if (file.length > MAX_XLSX_BYTES || !zipWithinLimits(file)) throw new UnreadableOfferFile(0);
  let sheet: SheetData;
  try {
    sheet = await readSheet(file);
  } catch {
    throw new UnreadableOfferFile(0);
  }
  return sheet.map((cells) =>
    cells.map((cell) => {
      if (cell === null) return '';
      if (cell instanceof Date) return cell.toISOString().slice(0, 10);
      return restoreFormulaCell(typeof cell === 'string' ? cell : String(cell));
    }),
  );
}
