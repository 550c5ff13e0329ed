// Three test levels (CONVENTIONS.md 9): unit, integration (Dexie on
// fake-indexeddb, server on PGlite and PostgreSQL), e2e (built PWA in Chromium).
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { LAYER_ALIASES } from './layer-aliases';

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [react()],
        resolve: { alias: LAYER_ALIASES },
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.{ts,tsx}'],
          environment: 'node',
          // A few property and statistics tests do real work (200,000 case numbers, PBKDF2 at 600,000
          // iterations): generous on a loaded machine. Speed is measured in `npm run bench`, not here.
          testTimeout: 30_000,
        },
      },
      {
        resolve: { alias: LAYER_ALIASES },
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.integration.test.{ts,tsx}'],
          environment: 'node',
          globalSetup: ['tests/integration/global-setup.ts'],
          setupFiles: ['tests/fixtures/install-server-key.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Two files at a time: every file has databases of its own (a PGlite copy, a PostgreSQL
          // schema), and much of a file's time is spent waiting on the database, not computing.
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
      {
        resolve: { alias: LAYER_ALIASES },
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.spec.ts'],
          setupFiles: ['tests/fixtures/install-server-key.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Two specs at a time, each with its own backend, database and Chromium profile; a spec
          // waits for what the user would see, never for a fixed time, so a busy machine only slows it.
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
    ],
  },
});
