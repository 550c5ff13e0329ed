// `npm run audit` (scripts/audit.mjs) against the answers npm gives: no answer from
// the advisory service passes with a clear warning (unless AUDIT_REQUIRED=1), high
// or critical advisories fail, a clean report passes. npm is replaced by a stub on
// PATH that prints a recorded answer, so no registry is asked.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const stubDir = mkdtempSync(join(tmpdir(), 'lotse-audit-'));

function runAudit(answer: unknown, exitCode: number, env: Record<string, string> = {}) {
  writeFileSync(join(stubDir, 'answer.json'), JSON.stringify(answer));
  const stub = join(stubDir, 'npm');
  writeFileSync(stub, `#!/bin/sh\n[ "$1" = audit ] || exit 99\ncat "${join(stubDir, 'answer.json')}"\nexit ${String(exitCode)}\n`);
  chmodSync(stub, 0o755);
  return spawnSync(process.execPath, [join(ROOT, 'scripts/audit.mjs')], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${stubDir}${delimiter}${process.env['PATH'] ?? ''}`, AUDIT_REQUIRED: '', ...env },
  });
}

const counts = (high: number, critical: number) => ({ info: 0, low: 1, moderate: 2, high, critical, total: 3 + high + critical });

describe.skipIf(process.platform === 'win32')('npm run audit', () => {
  afterAll(() => {
    rmSync(stubDir, { recursive: true, force: true });
  });

  const unanswered = {
    message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
    statusCode: 405,
    error: { summary: '', detail: '' },
  };

  it('says plainly that nothing was checked when the advisory service does not answer, and passes', () => {
    const run = runAudit(unanswered, 1);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('did not answer (405');
    expect(run.stderr).toContain('NOT checked');
  });

  it('fails that case where a pipeline demands an answer (AUDIT_REQUIRED=1)', () => {
    const run = runAudit(unanswered, 1, { AUDIT_REQUIRED: '1' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('NOT checked');
  });

  it('fails on a high or critical advisory in a runtime dependency and names it', () => {
    const run = runAudit(
      {
        auditReportVersion: 2,
        vulnerabilities: { 'some-lib': { name: 'some-lib', severity: 'high', fixAvailable: true } },
        metadata: { vulnerabilities: counts(1, 0) },
      },
      1,
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('some-lib (high, fix available)');
  });

  it('passes a report with only moderate and low advisories', () => {
    const run = runAudit({ auditReportVersion: 2, vulnerabilities: {}, metadata: { vulnerabilities: counts(0, 0) } }, 1);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('No high or critical advisories');
  });
});
