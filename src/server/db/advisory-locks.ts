// Every PostgreSQL advisory-lock key the server takes, named in one place so two
// features can never pick the same number. Keys are shared by every instance of
// the server on one database: changing one lets an old and a new instance race.
// The per-municipality locks hash `<municipality id>/<what>` with the seed below
// (hashtextextended(text, seed)), so each municipality gets its own lock.

/** Migrations at start-up: one instance applies them, the others wait (db/migrate.ts). */
export const MIGRATION_LOCK = 7345120001;
/** The demo seed at first start: two instances starting together seed once (db/demo-seed.ts). */
export const DEMO_SEED_LOCK = 7345120020;
/** Seed: one lock per (municipality, case number) for a push naming the case (services/sync-service.ts). */
export const CASE_LOCK_SEED = 7345120002;
/** Seed: one lock per municipality for withdrawals, so they commit in withdrawnAt order (services/sync-service.ts). */
export const WITHDRAWALS_LOCK_SEED = 7345120003;
/** Seed: one lock per municipality for a questionnaire upload (services/questionnaire-service.ts). */
export const QUESTIONNAIRE_LOCK_SEED = 7345120008;
/** Seed: one lock per municipality for appending to the audit hash chain (migration 012, in SQL). */
export const AUDIT_CHAIN_LOCK_SEED = 7345120012;
