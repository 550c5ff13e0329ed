// Demo data for a fresh instance: one municipality, one HOME project, one
// partner organisation with its partner account, four
// accounts with DOCUMENTED DEMO PASSWORDS (fieldworker, coordinator who
// enrolls tablets, approver, admin), three foyer sites, four districts, the
// emergency contacts and a fictional offer catalogue (demo-offers.ts). Runs only while
// no municipality exists, so a real deployment is never touched.
import type { Database } from './database';
import { DEMO_SEED_LOCK } from './advisory-locks';
import { withMunicipality } from './tenant-scope';
import { createStaffAccount } from '../services/staff-accounts';
import { DEMO_DISTRICTS, DEMO_EMERGENCY_CONTACTS, DEMO_OFFERS } from './demo-offers';
import { insertOffer } from '../services/offer-service';

/** The demo municipality's contact line on the family's card. */
export const DEMO_FAMILY_CONTACT = 'Frühe Hilfen Demo-Stadt, Rathausplatz 1, Tel. 01234 567-100 (Mo–Fr 9–12 Uhr)';

export { DEMO_DISTRICTS, DEMO_EMERGENCY_CONTACTS, DEMO_OFFERS } from './demo-offers';

export const DEMO_MUNICIPALITY_ID = 'demo-stadt';
export const DEMO_ORGANISATION_ID = 'home-projekt-demo';

/** Public, documented demo credentials. Never use them on an instance with real data. */
export const DEMO_ACCOUNTS = [
  { username: 'home.partner', password: 'demo-home-2026', displayName: 'HOME-Partnerin (Demo)', roles: ['fieldworker'] },
  { username: 'coordinator', password: 'demo-coord-2026', displayName: 'Koordination (Demo)', roles: ['coordinator'] },
  { username: 'approver', password: 'demo-approve-2026', displayName: 'Freigabe (Demo)', roles: ['approver'] },
  { username: 'admin', password: 'demo-admin-2026', displayName: 'Verwaltung (Demo)', roles: ['admin'] },
] as const;

/** A fictional partner organisation (Familienhebammen, Familienbildung) that confirms uptake by case number. */
export const DEMO_PARTNER_ORGANISATION = { id: 'fruehe-hilfen-demo', name: 'Frühe Hilfen Demo-Stadt (fiktiv)' } as const;
/** Its demo account (role partner). Public, documented password. */
export const DEMO_PARTNER_ACCOUNT = {
  username: 'partner.fruehehilfen',
  password: 'demo-partner-2026',
  displayName: 'Frühe Hilfen (Demo)',
  roles: ['partner'],
} as const;
/** The demo offers whose uptake the demo partner confirms. */
export const DEMO_PARTNER_OFFER_IDS = ['familienhebammen-demo', 'familienbildung-sued'] as const;

export const DEMO_HOME_SITES = [
  { id: 'kita-sonnenblume', label: 'Kita Sonnenblume' },
  { id: 'familienzentrum-nord', label: 'Familienzentrum Nord' },
  { id: 'grundschule-am-park', label: 'Grundschule am Park' },
] as const;

/** Seeds the demo municipality if the database has none; returns whether it did. */
export async function seedDemoData(db: Database): Promise<boolean> {
  // Written as the demo municipality: row-level security (migration 027) binds the owner too.
  return withMunicipality(DEMO_MUNICIPALITY_ID, () => seedDemoMunicipality(db));
}

async function seedDemoMunicipality(db: Database): Promise<boolean> {
  return db.transaction(async (tx) => {
    // A second instance starting at the same moment waits here, then finds the seed done.
    await tx.query(`SELECT pg_advisory_xact_lock(${String(DEMO_SEED_LOCK)})`);
    // Any municipality at all, not only the demo's: only the look-up of migration 027 sees them all.
    const existing = await tx.query('SELECT 1 FROM lotse_municipality_ids() LIMIT 1');
    if (existing.length > 0) return false;
    await tx.query('INSERT INTO municipalities (id, name) VALUES ($1, $2)', [DEMO_MUNICIPALITY_ID, 'Demo-Stadt']);
    await tx.query('INSERT INTO organisations (id, municipality_id, name, kind) VALUES ($1, $2, $3, $4)', [
      DEMO_ORGANISATION_ID,
      DEMO_MUNICIPALITY_ID,
      'HOME-Projekt Demo',
      'home-project',
    ]);
    // A contact a family can actually make (walkthrough finding 23) — fictional, like the whole demo.
    await tx.query('INSERT INTO municipality_settings (municipality_id, family_contact) VALUES ($1, $2)', [
      DEMO_MUNICIPALITY_ID,
      DEMO_FAMILY_CONTACT,
    ]);
    for (const account of DEMO_ACCOUNTS) {
      await createStaffAccount(tx, {
        municipalityId: DEMO_MUNICIPALITY_ID,
        organisationId: DEMO_ORGANISATION_ID,
        username: account.username,
        displayName: account.displayName,
        password: account.password,
        roles: [...account.roles],
      });
    }
    for (const [index, site] of DEMO_HOME_SITES.entries()) {
      await tx.query('INSERT INTO home_sites (municipality_id, id, label, sort_order) VALUES ($1, $2, $3, $4)', [
        DEMO_MUNICIPALITY_ID,
        site.id,
        site.label,
        index,
      ]);
    }
    for (const [index, district] of DEMO_DISTRICTS.entries()) {
      await tx.query('INSERT INTO districts (municipality_id, id, label, sort_order) VALUES ($1, $2, $3, $4)', [
        DEMO_MUNICIPALITY_ID,
        district.id,
        district.label,
        index,
      ]);
    }
    for (const [index, contact] of DEMO_EMERGENCY_CONTACTS.entries()) {
      await tx.query('INSERT INTO emergency_contacts (municipality_id, label, phone, sort_order) VALUES ($1, $2, $3, $4)', [
        DEMO_MUNICIPALITY_ID,
        contact.label,
        contact.phone,
        index,
      ]);
    }
    for (const offer of DEMO_OFFERS) await insertOffer(tx, DEMO_MUNICIPALITY_ID, offer);
    await tx.query('INSERT INTO organisations (id, municipality_id, name, kind) VALUES ($1, $2, $3, $4)', [
      DEMO_PARTNER_ORGANISATION.id,
      DEMO_MUNICIPALITY_ID,
      DEMO_PARTNER_ORGANISATION.name,
      'partner',
    ]);
    await createStaffAccount(tx, {
      municipalityId: DEMO_MUNICIPALITY_ID,
      organisationId: DEMO_PARTNER_ORGANISATION.id,
      username: DEMO_PARTNER_ACCOUNT.username,
      displayName: DEMO_PARTNER_ACCOUNT.displayName,
      password: DEMO_PARTNER_ACCOUNT.password,
      roles: [...DEMO_PARTNER_ACCOUNT.roles],
    });
    await tx.query(
      `UPDATE offers SET partner_organisation_id = $2
        WHERE municipality_id = $1 AND id IN (SELECT jsonb_array_elements_text($3::jsonb))`,
      [DEMO_MUNICIPALITY_ID, DEMO_PARTNER_ORGANISATION.id, JSON.stringify(DEMO_PARTNER_OFFER_IDS)],
    );
    return true;
  });
}
