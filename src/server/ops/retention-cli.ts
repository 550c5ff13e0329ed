// Command line of the retention job and of the audit log's hand-over to a separate store
// (docs/DEPLOYMENT.md "Retention" and "Audit log export"). The database is DATABASE_URL,
// else the embedded PGlite in DATA_DIR (stop the backend first: PGlite has one user).
//   npm run retention                                  delete what is past its period now (RETENTION_* or defaults)
//   npm run audit-log -- export <municipality> [--out <file>]   the chain as JSON Lines (stdout or file)
//   npm run audit-log -- verify <file.jsonl>           check an exported chain without the database
//   npm run audit-log -- verify --municipality <id>    check the chain in the database
import { createReadStream, createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Database } from '../db/database';
import { migrate } from '../db/migrate';
import { openPglite } from '../db/pglite';
import { withMunicipality } from '../db/tenant-scope';
import { openPostgres } from '../db/postgres';
import { AuditChainVerifier, readAuditChain, verifyAuditChain, type AuditChainEntry, type AuditChainVerdict } from '../services/audit';
import { applyRetention, retentionFromEnv } from '../services/retention-service';

async function openDatabase(): Promise<Database> {
  const url = process.env['DATABASE_URL'];
  if (url) return openPostgres({ connectionString: url });
  return openPglite({ dataDir: resolve(process.env['DATA_DIR'] ?? './data/pglite') });
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const value = args[index + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
}

/** Verifies an exported file line by line; a line that is not an entry is a broken chain, not a crash. */
export async function verifyAuditFile(path: string): Promise<AuditChainVerdict | { intact: false; malformedLine: number }> {
  const verifier = new AuditChainVerifier();
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n += 1;
    if (line.trim() === '') continue;
    let entry: AuditChainEntry;
    try {
      entry = JSON.parse(line) as AuditChainEntry;
    } catch {
      return { intact: false, malformedLine: n };
    }
    if (typeof entry.seq !== 'number' || typeof entry.rowHash !== 'string' || typeof entry.prevHash !== 'string') {
      return { intact: false, malformedLine: n };
    }
    verifier.add(entry);
  }
  return verifier.verdict();
}

async function exportChain(db: Database, municipalityId: string, out: Writable): Promise<number> {
  let n = 0;
  for await (const entry of readAuditChain(db, municipalityId)) {
    if (!out.write(`${JSON.stringify(entry)}\n`)) await once(out, 'drain');
    n += 1;
  }
  return n;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === 'verify' && args[0] !== undefined && !args[0].startsWith('--')) {
    const verdict = await verifyAuditFile(resolve(args[0]));
    process.stdout.write(`${JSON.stringify(verdict)}\n`);
    return verdict.intact ? 0 : 1;
  }
  if (command !== 'run' && command !== 'export' && command !== 'verify') {
    process.stderr.write(
      'usage: retention-cli run | export <municipality> [--out <file>] | verify <file.jsonl> | verify --municipality <id>\n',
    );
    return 2;
  }
  const policy = command === 'run' ? retentionFromEnv(process.env) : null;
  const db = await openDatabase();
  try {
    await migrate(db);
    if (policy !== null) {
      const outcomes = await applyRetention(db, policy, new Date());
      process.stdout.write(`${JSON.stringify({ policy, outcomes })}\n`);
      return 0;
    }
    if (command === 'export') {
      const municipalityId = args[0];
      if (municipalityId === undefined || municipalityId.startsWith('--')) throw new Error('export needs a municipality id');
      const file = option(args, '--out');
      const out = file === undefined ? process.stdout : createWriteStream(resolve(file), { mode: 0o600 });
      const n = await withMunicipality(municipalityId, () => exportChain(db, municipalityId, out));
      if (file !== undefined) {
        out.end();
        await once(out, 'finish');
        process.stderr.write(`${String(n)} entries written to ${file}\n`);
      }
      return 0;
    }
    const municipalityId = option(args, '--municipality');
    if (municipalityId === undefined) throw new Error('verify needs a file or --municipality <id>');
    // Row-level security (migration 027) shows the chain only within its municipality's scope.
    const verdict = await withMunicipality(municipalityId, () => verifyAuditChain(db, municipalityId));
    process.stdout.write(`${JSON.stringify(verdict)}\n`);
    return verdict.intact ? 0 : 1;
  } finally {
    await db.close();
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.dirname, 'retention-cli.ts')) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
