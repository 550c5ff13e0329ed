// Transport format of a case number (Fallnummer): an optional municipality
// prefix, then 13 Crockford base-32 symbols and one check symbol in groups of
// four. The check symbol itself is verified by src/domain/case-number.ts on
// the tablet and on the server; here only the canonical shape is checked.
import { z } from 'zod';

export const CASE_NUMBER_PATTERN =
  /^(?:[A-Z]{2,4}-)?[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z][0-9A-HJKMNP-TV-Z*~$=U]$/;

export const caseNumberFormatSchema = z.string().regex(CASE_NUMBER_PATTERN, { message: 'invalidCaseNumber' });
