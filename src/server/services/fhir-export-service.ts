// FHIR R4 exports and the screenings CSV for the municipality's coordinators
// (docs/FHIR.md). Reads referrals and countable screenings of a period straight
// from the database, hands them to the pure mappings in src/domain/fhir-*.ts, and
// audits every export (the period only). Nothing is logged or kept: the answer
// is built per request and sent with Cache-Control: no-store.
import { stringify } from 'csv-stringify/sync';
import type { Database } from '../db/database';
import type { SessionUser } from '@shared/protocol';
import type { ExportPeriod } from '@shared/exports';
import { contentHash } from '@shared/content-hash';
import { uuidv7 } from '@shared/ids';
import { screeningContentSchema } from '@shared/records/screening';
import defaultScreening from '@domain/default-screening.json';
import { periodProblem } from '@domain/indicators';
import { loadQuestionnaire, type QuestionnaireDefinition } from '@domain/questionnaire';
import { isReferralReason, isReferralState } from '@domain/referral-state';
import { monthOf, type FhirBundle } from '@domain/fhir-types';
import { referralsBundle, type ReferralExportRow, type ServiceRequestResource, type TaskResource } from '@domain/fhir-referrals';
import {
  questionnaireResource,
  questionnaireResponse,
  screeningCsvRows,
  type QuestionnaireResource,
  type QuestionnaireResponseResource,
  type ScreeningExportRow,
} from '@domain/fhir-questionnaire';
import { ServiceError } from './service-error';
import { audit, type AuditAction } from './audit';
import { neutraliseFormula } from './csv-cells';
import { openRecordContent } from './content-seal';
import { COUNTABLE_REFERRAL } from './referral-service';

const ZONE = 'Europe/Berlin';

interface KnownDefinition {
  definition: QuestionnaireDefinition;
  hash: string;
  active: boolean;
}

export class FhirExportService {
  constructor(private readonly db: Database) {}

  /** Every referral made in the period, as ServiceRequest + Task. */
  async referrals(user: SessionUser, period: ExportPeriod, now = new Date()): Promise<FhirBundle<ServiceRequestResource | TaskResource>> {
    checkPeriod(period);
    const rows = await this.db.query<{
      case_number: string;
      offer_name: string;
      offer_organisation: string;
      offer_type: string;
      state: string;
      state_reason: string | null;
      created_at: Date | string;
    }>(
      `SELECT r.case_number, o.name AS offer_name, o.organisation AS offer_organisation, r.offer_type, r.state, r.state_reason, r.created_at
         FROM referrals r
         JOIN offers o ON o.municipality_id = r.municipality_id AND o.id = r.offer_id
        WHERE r.municipality_id = $1
          AND r.created_at >= ($2::date)::timestamp AT TIME ZONE '${ZONE}'
          AND r.created_at < ($3::date + 1)::timestamp AT TIME ZONE '${ZONE}'
          AND NOT EXISTS (SELECT 1 FROM case_tombstones t WHERE t.municipality_id = r.municipality_id AND t.case_number = r.case_number)
          AND ${COUNTABLE_REFERRAL}
        ORDER BY r.created_at, r.id`,
      [user.municipalityId, period.from, period.to],
    );
    const referrals: ReferralExportRow[] = rows.flatMap((row) =>
      isReferralState(row.state)
        ? [
            {
              caseNumber: row.case_number,
              offerName: row.offer_name,
              offerOrganisation: row.offer_organisation,
              offerType: row.offer_type,
              state: row.state,
              reason: isReferralReason(row.state_reason) ? row.state_reason : null,
              createdAt: new Date(row.created_at),
            },
          ]
        : [],
    );
    await this.audited(user, 'export.fhirReferrals', period, referrals.length);
    return referralsBundle(referrals, { newId: uuidv7, month: (d) => monthOf(d, ZONE), now });
  }

  /** Every definition version the municipality uploaded, and the built-in default the tablets fall back to. */
  async questionnaires(user: SessionUser, now = new Date()): Promise<FhirBundle<QuestionnaireResource>> {
    const known = await this.definitions(user.municipalityId);
    await this.audited(user, 'export.fhirQuestionnaires', null, null);
    return {
      resourceType: 'Bundle',
      type: 'collection',
      timestamp: now.toISOString(),
      entry: known.map((k) => ({
        fullUrl: `urn:uuid:${uuidv7()}`,
        resource: questionnaireResource(k.definition, { definitionHash: k.hash, active: k.active }),
      })),
    };
  }

  /** Countable screenings of the period as QuestionnaireResponses of the version each used. */
  async screenings(user: SessionUser, period: ExportPeriod, now = new Date()): Promise<FhirBundle<QuestionnaireResponseResource>> {
    checkPeriod(period);
    const rows = await this.screeningRows(user.municipalityId, period);
    await this.audited(user, 'export.fhirScreenings', period, rows.length);
    const month = (d: Date): string => monthOf(d, ZONE);
    return {
      resourceType: 'Bundle',
      type: 'collection',
      timestamp: now.toISOString(),
      entry: rows.map(({ screening, definition }) => ({
        fullUrl: `urn:uuid:${uuidv7()}`,
        resource: questionnaireResponse(definition, screening, month),
      })),
    };
  }

  /** The same screenings as a CSV: one row per screening, one column per question, never free text. */
  async screeningsCsv(user: SessionUser, period: ExportPeriod): Promise<string> {
    checkPeriod(period);
    const rows = await this.screeningRows(user.municipalityId, period);
    await this.audited(user, 'export.screeningsCsv', period, rows.length);
    const table = screeningCsvRows(rows, (d) => monthOf(d, ZONE));
    return stringify(table.map((row) => row.map(neutraliseFormula)));
  }

  private async screeningRows(
    municipalityId: string,
    period: ExportPeriod,
  ): Promise<{ screening: ScreeningExportRow; definition: QuestionnaireDefinition }[]> {
    const known = await this.definitions(municipalityId);
    const byHash = new Map(known.map((k) => [k.hash, k.definition]));
    const byVersion = new Map(known.map((k) => [`${k.definition.id}@${k.definition.version}`, k.definition]));
    // Countable: the latest revision, approved where a second check is required — what reports count too.
    const rows = await this.db.query<{
      id: string;
      revision: number;
      case_number: string | null;
      content: unknown;
      sealed_content: string | null;
      seal_key_id: string | null;
      device_created_at: Date | string;
    }>(
      `SELECT r.id::text AS id, r.revision, r.case_number, r.content, r.sealed_content, r.seal_key_id, r.device_created_at
         FROM records r
        WHERE r.municipality_id = $1 AND r.kind = 'screening' AND r.countable AND r.case_number IS NOT NULL
          AND r.device_created_at >= ($2::date)::timestamp AT TIME ZONE '${ZONE}'
          AND r.device_created_at < ($3::date + 1)::timestamp AT TIME ZONE '${ZONE}'
          AND NOT EXISTS (SELECT 1 FROM case_tombstones t WHERE t.municipality_id = r.municipality_id AND t.case_number = r.case_number)
        ORDER BY r.device_created_at, r.id`,
      [municipalityId, period.from, period.to],
    );
    const result: { screening: ScreeningExportRow; definition: QuestionnaireDefinition }[] = [];
    for (const row of rows) {
      const raw = openRecordContent({ ...row, municipalityId });
      const parsed = screeningContentSchema.safeParse(raw);
      if (!parsed.success || row.case_number === null) continue; // the server accepted only valid content; nothing else to read
      const content = parsed.data;
      const definition = byHash.get(content.definitionHash) ?? byVersion.get(`${content.definitionId}@${content.definitionVersion}`);
      // Without its definition an answer's type is unknown: such a screening is exported with its result only.
      result.push({
        screening: {
          caseNumber: row.case_number,
          definitionId: content.definitionId,
          definitionVersion: content.definitionVersion,
          answers: definition ? content.answers : {},
          score: content.score,
          supportNeed: content.supportNeed,
          overrideSupportNeed: content.override?.supportNeed ?? null,
          acuteDanger: content.acuteDanger.length > 0,
          createdAt: new Date(row.device_created_at),
          ...(definition && content.familyAnswers
            ? { familyAnswered: Object.fromEntries(Object.entries(content.familyAnswers).map(([id, mark]) => [id, mark.by])) }
            : {}),
        },
        definition: definition ?? emptyDefinition(content.definitionId, content.definitionVersion),
      });
    }
    return result;
  }

  private async definitions(municipalityId: string): Promise<KnownDefinition[]> {
    const rows = await this.db.query<{ definition: unknown; definition_hash: string; active: boolean }>(
      `SELECT definition, definition_hash, active FROM questionnaire_definitions
        WHERE municipality_id = $1 ORDER BY definition_id, uploaded_at, version`,
      [municipalityId],
    );
    const known: KnownDefinition[] = [];
    for (const row of rows) {
      const loaded = loadQuestionnaire(typeof row.definition === 'string' ? (JSON.parse(row.definition) as unknown) : row.definition);
      if (loaded.ok) known.push({ definition: loaded.definition, hash: row.definition_hash, active: row.active });
    }
    const builtIn = loadQuestionnaire(defaultScreening);
    if (
      builtIn.ok &&
      !known.some((k) => k.definition.id === builtIn.definition.id && k.definition.version === builtIn.definition.version)
    ) {
      // The tablets' fallback while the municipality has no active definition of its own.
      known.push({ definition: builtIn.definition, hash: await contentHash(builtIn.definition), active: !known.some((k) => k.active) });
    }
    return known;
  }

  /**
   * Object: the period and how many items (referrals, screenings) left — which ones follows from the
   * period while the records exist; naming thousands of ids per export would add nothing a DPO can use.
   */
  private async audited(user: SessionUser, action: AuditAction, period: ExportPeriod | null, items: number | null): Promise<void> {
    await audit(this.db, {
      municipalityId: user.municipalityId,
      actorId: user.id,
      action,
      objectId: period === null ? null : `${period.from}..${period.to}${items === null ? '' : `#${String(items)}`}`,
    });
  }
}

function checkPeriod(period: ExportPeriod): void {
  const problem = periodProblem(period);
  if (problem === undefined) return;
  throw new ServiceError(
    400,
    'invalidRequest',
    problem === 'endBeforeStart' ? 'The period ends before it starts.' : 'The period is longer than 24 months.',
    [{ path: 'to', message: problem }],
  );
}

/** Stands in for a definition the server does not know: no questions, so no answer is guessed at. */
function emptyDefinition(id: string, version: string): QuestionnaireDefinition {
  return {
    id,
    version,
    title: { de: id },
    sections: [],
    thresholds: { informationOnly: 0, offerRecommended: 0, urgent: 0 },
  };
}
