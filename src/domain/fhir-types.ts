// The few FHIR R4 data types Lotse's exports write (docs/FHIR.md), and the
// addresses they share. Plain data: the exports are built by pure functions and
// validated in tests against the official R4 JSON schema.

/** Where Lotse's own code systems, extensions and canonical URLs live. A name, not a server: nothing is fetched from it. */
export const LOTSE_FHIR_BASE = 'https://lotse.example/fhir';

/** The case number is the only identifier of a family in every export. */
export const CASE_NUMBER_SYSTEM = `${LOTSE_FHIR_BASE}/NamingSystem/case-number`;

export interface FhirCoding {
  system?: string;
  code: string;
  display?: string;
  extension?: FhirExtension[];
}

export interface FhirCodeableConcept {
  coding?: FhirCoding[];
  text?: string;
}

export interface FhirExtension {
  url: string;
  extension?: FhirExtension[];
  valueString?: string;
  valueCode?: string;
  valueDecimal?: number;
  valueInteger?: number;
  valueBoolean?: boolean;
  valueExpression?: { language: string; expression: string };
}

/** A reference by identifier only (no Patient resource exists anywhere): the case number, nothing else. */
export interface CaseReference {
  identifier: { system: string; value: string };
}

export function caseReference(caseNumber: string): CaseReference {
  return { identifier: { system: CASE_NUMBER_SYSTEM, value: caseNumber } };
}

export interface FhirBundle<R> {
  resourceType: 'Bundle';
  type: 'collection';
  timestamp: string;
  entry: { fullUrl: string; resource: R }[];
}

/**
 * The month of an instant in the municipality's time zone, as a FHIR partial
 * dateTime ("2026-11"). Exports never carry a day: a screening in the birth
 * clinic happens within days of the birth, so its day would come close to a birth date.
 */
export function monthOf(instant: Date, timeZone = 'Europe/Berlin'): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(instant);
  const year = parts.find((p) => p.type === 'year')?.value ?? '';
  const month = parts.find((p) => p.type === 'month')?.value ?? '';
  return `${year}-${month}`;
}
