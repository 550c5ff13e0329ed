// Builds the migrated PGlite template once per run, so each suite loads a
// tarball (~0.3 s) instead of running initdb and the migrations again.
import { ensurePgliteTemplate } from '../fixtures/test-database';

export default async function setup(): Promise<void> {
  await ensurePgliteTemplate();
}
