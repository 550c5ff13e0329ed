// Referral routes: the coordinator's offer catalogue (CRUD, CSV/.xlsx import/export),
// follow-up list and settings (/api/office/…); the partner's look-up by case
// number and uptake marks (/api/partner/…); the tablet's pull of referral
// states (/api/sync/referrals). Online only; every route is scoped to the
// session's municipality, and a partner to its own organisation's offers.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorEnvelopeSchema } from '@shared/protocol';
import {
  MAX_CSV_BYTES,
  MAX_HSDS_JSON_BYTES,
  MAX_HSDS_ZIP_BYTES,
  MAX_XLSX_BYTES,
  OFFER_FILE_FORMATS,
  coordinatorStateRequestSchema,
  followUpListSchema,
  managedOfferListSchema,
  managedOfferSchema,
  offerRequestSchema,
  offerFileExportSchema,
  offerImportPreviewRequestSchema,
  offerImportPreviewSchema,
  offerImportRequestSchema,
  offerImportResponseSchema,
  offerIdParamsSchema,
  partnerLookupRequestSchema,
  partnerOrganisationListSchema,
  partnerReferralListSchema,
  partnerReferralSchema,
  partnerStateRequestSchema,
  referralIdParamsSchema,
  referralSettingsSchema,
  tabletReferralStatesQuerySchema,
  tabletReferralStatesSchema,
  updateOfferRequestSchema,
} from '@shared/referral-api';
import { TABLET_ROLES, type AuthService } from '../services/auth-service';
import type { OfferCatalogService } from '../services/offer-catalog-service';
import type { ReferralService } from '../services/referral-service';
import { isCanonicalCaseNumber } from '@domain/case-number';
import { authenticateWith, requireRoles, requireSession, requireTabletSession } from './auth';
import { ServiceError, defaultMessage } from '../services/service-error';
import type { PartnerLookupLimits } from '../services/partner-lookup-limits';
import type { SecurityLog } from './security-log';

export interface ReferralRoutesOptions {
  auth: AuthService;
  catalog: OfferCatalogService;
  referrals: ReferralService;
  /** Misses per partner account and client address; past a limit every look-up is 429. */
  lookupLimits: PartnerLookupLimits;
  securityLog: SecurityLog;
}

export const REFERRALS_TABLET_ONLY_MESSAGE = 'Referral states only for an enrolled tablet signed in on that tablet.';

export const referralRoutes: FastifyPluginCallbackZod<ReferralRoutesOptions> = (
  app,
  { auth, catalog, referrals, lookupLimits, securityLog },
  done,
) => {
  const authenticate = authenticateWith(auth);
  const coordinators = [authenticate, requireRoles('coordinator')];
  const partners = [authenticate, requireRoles('partner')];
  const security = [{ bearer: [] }];
  const denied = { 401: errorEnvelopeSchema, 403: errorEnvelopeSchema } as const;
  const writeErrors = { ...denied, 400: errorEnvelopeSchema, 404: errorEnvelopeSchema, 409: errorEnvelopeSchema } as const;

  app.get(
    '/api/office/offers',
    {
      onRequest: coordinators,
      schema: {
        summary: "The municipality's offer catalogue with partner organisations (coordinator)",
        tags: ['referrals'],
        security,
        response: { 200: managedOfferListSchema, ...denied },
      },
    },
    async (request) => {
      const { user } = requireSession(request);
      return { offers: await catalog.list(user), capacities: await catalog.capacities(user) };
    },
  );

  app.post(
    '/api/office/offers',
    {
      onRequest: coordinators,
      schema: {
        summary: 'Add an offer to the catalogue (coordinator); tablets get it at their next sync',
        tags: ['referrals'],
        security,
        body: offerRequestSchema,
        response: { 201: managedOfferSchema, ...writeErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await catalog.create(requireSession(request).user, request.body)),
  );

  app.put(
    '/api/office/offers/:offerId',
    {
      onRequest: coordinators,
      schema: {
        summary: 'Change an offer (coordinator); tablets get the change at their next sync',
        tags: ['referrals'],
        security,
        params: offerIdParamsSchema,
        body: updateOfferRequestSchema,
        response: { 200: managedOfferSchema, ...writeErrors },
      },
    },
    (request) => catalog.update(requireSession(request).user, request.params.offerId, request.body),
  );

  app.delete(
    '/api/office/offers/:offerId',
    {
      onRequest: coordinators,
      schema: {
        summary: 'Remove an offer nobody was referred to (coordinator); else 409',
        tags: ['referrals'],
        security,
        params: offerIdParamsSchema,
        response: { 204: z.null(), ...writeErrors },
      },
    },
    async (request, reply) => {
      await catalog.remove(requireSession(request).user, request.params.offerId);
      return reply.code(204).send(null);
    },
  );

  // The file travels as a JSON string: HSDS JSON's quotes come escaped (measured ≈ 1.12×), so half as much again;
  // .xlsx and .zip as base64 (4/3).
  const fileBodyLimit =
    Math.ceil(Math.max(MAX_CSV_BYTES, MAX_HSDS_JSON_BYTES * 1.5, (Math.max(MAX_XLSX_BYTES, MAX_HSDS_ZIP_BYTES) / 3) * 4)) + 64 * 1024;
  app.get(
    '/api/office/offers/export',
    {
      onRequest: coordinators,
      schema: {
        summary: 'The catalogue as a spreadsheet file with German headers and values, or as Open Referral HSDS 3.1 (coordinator)',
        description:
          '`format=csv` (default): semicolon-separated text with BOM, lists comma-separated in a cell; `format=xlsx`: base64; ' +
          '`format=hsdsJson`: HSDS 3.1 services (one page of `GET /services`) as text; `format=hsdsZip`: the HSDS tabular data package ' +
          '(CSV per table + datapackage.json) as a base64 .zip. Offers only, no partner keys (docs/HSDS.md).',
        tags: ['referrals'],
        security,
        querystring: z.strictObject({ format: z.enum(OFFER_FILE_FORMATS).default('csv') }),
        response: { 200: offerFileExportSchema, ...denied },
      },
    },
    (request) => catalog.exportFile(requireSession(request).user, request.query.format),
  );

  app.post(
    '/api/office/offers/import/preview',
    {
      bodyLimit: fileBodyLimit,
      onRequest: coordinators,
      schema: {
        summary:
          'What importing a catalogue file (CSV, .xlsx, HSDS JSON or package) would change, or every problem in it; writes nothing (coordinator)',
        description:
          'Problems name the row, the column as its header reads, the value found and the values allowed. German and English headers and values are read.',
        tags: ['referrals'],
        security,
        body: offerImportPreviewRequestSchema,
        response: { 200: offerImportPreviewSchema, ...writeErrors },
      },
    },
    (request) => catalog.previewImport(requireSession(request).user, request.body.file),
  );

  app.post(
    '/api/office/offers/import',
    {
      bodyLimit: fileBodyLimit,
      onRequest: coordinators,
      schema: {
        summary: 'Import a previewed catalogue file: creates, changes and removes offers as previewed; all or nothing (coordinator)',
        description:
          'Any problem → 400 with every problem as `row.<n>.<column code>` (no value, no header text), nothing stored; 409 when the catalogue changed since the preview (`baseVersion`). Offers families were referred to are kept.',
        tags: ['referrals'],
        security,
        body: offerImportRequestSchema,
        response: { 200: offerImportResponseSchema, ...writeErrors },
      },
    },
    (request) => catalog.importFile(requireSession(request).user, request.body.file, request.body.baseVersion),
  );

  app.get(
    '/api/office/partner-organisations',
    {
      onRequest: coordinators,
      schema: {
        summary: 'Organisations that can confirm uptake of an offer (kind partner) (coordinator)',
        tags: ['referrals'],
        security,
        response: { 200: partnerOrganisationListSchema, ...denied },
      },
    },
    async (request) => ({ organisations: await catalog.partnerOrganisations(requireSession(request).user) }),
  );

  app.get(
    '/api/office/referrals/follow-up',
    {
      onRequest: coordinators,
      schema: {
        summary: 'Referrals without confirmed uptake after the configured weeks, oldest first (coordinator)',
        tags: ['referrals'],
        security,
        response: { 200: followUpListSchema, ...denied },
      },
    },
    (request) => referrals.followUp(requireSession(request).user),
  );

  app.post(
    '/api/office/referrals/:referralId/state',
    {
      onRequest: coordinators,
      schema: {
        summary: 'Mark an overdue referral as "no response" (coordinator)',
        tags: ['referrals'],
        security,
        params: referralIdParamsSchema,
        body: coordinatorStateRequestSchema,
        response: { 200: partnerReferralSchema, ...writeErrors },
      },
    },
    (request) =>
      referrals.markAsCoordinator(requireSession(request).user, request.params.referralId, request.body.state, request.body.reason ?? null),
  );

  app.get(
    '/api/office/referral-settings',
    {
      onRequest: coordinators,
      schema: {
        summary: 'After how many weeks without uptake a referral needs follow-up (coordinator)',
        tags: ['referrals'],
        security,
        response: { 200: referralSettingsSchema, ...denied },
      },
    },
    (request) => referrals.settings(requireSession(request).user),
  );

  app.put(
    '/api/office/referral-settings',
    {
      onRequest: coordinators,
      schema: {
        summary: 'Set the weeks without uptake after which a referral needs follow-up (coordinator)',
        tags: ['referrals'],
        security,
        body: referralSettingsSchema,
        response: { 200: referralSettingsSchema, ...writeErrors },
      },
    },
    (request) => referrals.updateSettings(requireSession(request).user, request.body),
  );

  app.post(
    '/api/partner/referrals/lookup',
    {
      onRequest: partners,
      schema: {
        summary: "A case's referrals to the partner's own offers, by the case number the family shows (partner)",
        description:
          'Only referrals to offers of the signed-in partner organisation; offer, dates, language and the note ' +
          'the family agreed to share — never anything recorded about the family. The case number travels in ' +
          'the body, never in the URL. A valid case number with no referral to the partner is a miss, audited; ' +
          'after too many misses of the account or from the address every look-up is 429 with Retry-After until ' +
          'the window ends (services/partner-lookup-limits.ts).',
        tags: ['referrals'],
        security,
        body: partnerLookupRequestSchema,
        response: { 200: partnerReferralListSchema, ...writeErrors, 429: errorEnvelopeSchema },
      },
    },
    async (request, reply) => {
      if (!isCanonicalCaseNumber(request.body.caseNumber)) {
        throw new ServiceError(400, 'invalidRequest', 'This is not a valid case number.', [
          { path: 'caseNumber', message: 'invalidCaseNumber' },
        ]);
      }
      const user = requireSession(request).user;
      const note = { accountId: user.id, municipalityId: user.municipalityId };
      // The limits are checked by the look-up's own statement, before it reads: a refused partner learns nothing, not even a hit.
      const gate = lookupLimits.gate(user, request.ip);
      const { referrals: found, refusedUntil } = await referrals.lookupForPartner(user, request.body.caseNumber, gate);
      const retryAfterSeconds = await lookupLimits.refusedFor(user, request.ip, gate, refusedUntil);
      if (retryAfterSeconds !== null) {
        securityLog(request, [{ kind: 'partnerLookup.throttled', ...note }]);
        void reply.header('Retry-After', String(retryAfterSeconds));
        throw new ServiceError(429, 'rateLimited', defaultMessage('rateLimited'));
      }
      if (found.length === 0) {
        await lookupLimits.recordMiss(user, request.ip);
        securityLog(request, [{ kind: 'partnerLookup.miss', ...note }]);
      }
      return { referrals: found };
    },
  );

  app.post(
    '/api/partner/referrals/:referralId/state',
    {
      onRequest: partners,
      schema: {
        summary: 'Mark uptake of a referral to an own offer: contacted, started, completed or declined, with a reason (partner)',
        description:
          'The referral state machine decides (src/domain/referral-state.ts); a refused move → 409; a reason that ' +
          'does not fit the state (declined needs one) → 400, audited, nothing changed.',
        tags: ['referrals'],
        security,
        params: referralIdParamsSchema,
        body: partnerStateRequestSchema,
        response: { 200: partnerReferralSchema, ...writeErrors },
      },
    },
    (request) =>
      referrals.markAsPartner(requireSession(request).user, request.params.referralId, request.body.state, request.body.reason ?? null),
  );

  app.get(
    '/api/sync/referrals',
    {
      onRequest: [authenticate, requireRoles(...TABLET_ROLES), requireTabletSession(REFERRALS_TABLET_ONLY_MESSAGE)],
      schema: {
        summary: 'States of the referrals made on this tablet (changed after `since`, if given)',
        tags: ['sync'],
        security,
        querystring: tabletReferralStatesQuerySchema,
        response: { 200: tabletReferralStatesSchema, 400: errorEnvelopeSchema, ...denied },
      },
    },
    (request) => {
      const session = requireSession(request);
      if (session.deviceId === null) throw new ServiceError(403, 'forbidden', REFERRALS_TABLET_ONLY_MESSAGE);
      return referrals.statesForTablet(session.user, session.deviceId, request.query.since);
    },
  );
  done();
};
