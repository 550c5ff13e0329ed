// Cells of the CSV files Lotse writes for spreadsheets (the Sachbericht, the offer
// catalog): a cell a spreadsheet would read as a formula is written as text, and
// the catalog import reads such a cell back as it was typed.

const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell starting with =, +, -, @, tab or CR gets a leading apostrophe (CSV injection); counts and the "*" of a hidden cell are unchanged. */
export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** The reverse of neutraliseFormula, for a cell read back from such a file. */
export function restoreFormulaCell(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}
