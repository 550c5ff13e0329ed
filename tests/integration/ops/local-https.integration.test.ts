// The HTTPS trial mode (`npm run start:https`): a local authority and a server
// certificate for this machine's names and LAN addresses, kept across restarts and
// renewed when an address is new; the production entry point serves the app over
// it (and only over it), and hands out the authority's certificate for the tablet.
import { X509Certificate } from 'node:crypto';
import { get } from 'node:https';
import { connect } from 'node:tls';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureLocalTls } from '@server/ops/local-tls';
import { LOCAL_CA_PATH } from '@server/ops/https-server';
import { findOpenssl } from '../../fixtures/nginx-proxy';
import { freePort, prepareBackendDatabase, startBackendProcess, stopGently, type BackendDatabase } from '../../fixtures/backend-process';

function fetchTls(url: string, ca: string): Promise<{ status: number; body: Buffer; type: string | undefined }> {
  return new Promise((done, fail) => {
    get(url, { ca, servername: 'localhost', agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        done({ status: res.statusCode ?? 0, body: Buffer.concat(parts), type: res.headers['content-type'] });
      });
    }).once('error', fail);
  });
}

describe.skipIf(!findOpenssl())('HTTPS trial mode', () => {
  const cleanUp: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const step of cleanUp.reverse()) await step();
  });

  it('makes a certificate for localhost and the LAN addresses, signed by a local authority that survives renewal', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lotse-local-tls-'));
    cleanUp.push(() => rm(dir, { recursive: true, force: true }));
    const first = await ensureLocalTls(dir, ['192.0.2.10']);
    const ca = new X509Certificate(first.caCert);
    const leaf = new X509Certificate(first.cert);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toContain('DNS:localhost');
    expect(leaf.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(leaf.subjectAltName).toContain('IP Address:192.0.2.10');
    expect(leaf.keyUsage).toContain('1.3.6.1.5.5.7.3.1'); // serverAuth
    // Apple devices refuse server certificates valid for more than 398 days.
    expect(new Date(leaf.validTo).getTime() - new Date(leaf.validFrom).getTime()).toBeLessThanOrEqual(398 * 24 * 3600 * 1000);

    const again = await ensureLocalTls(dir, ['192.0.2.10']);
    expect(again.cert).toBe(first.cert);
    const moved = await ensureLocalTls(dir, ['192.0.2.10', '198.51.100.20']);
    expect(moved.cert).not.toBe(first.cert);
    expect(moved.caFingerprint).toBe(first.caFingerprint);
    expect(new X509Certificate(moved.cert).subjectAltName).toContain('IP Address:198.51.100.20');
  });

  it('serves the app and API over HTTPS only, with the authority certificate for download', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lotse-https-mode-'));
    cleanUp.push(() => rm(dir, { recursive: true, force: true }));
    // PostgreSQL where there is one: a fresh database is much quicker to start than PGlite's initdb.
    const database: BackendDatabase = await prepareBackendDatabase(process.env['DATABASE_URL'] ? 'postgres' : 'pglite');
    cleanUp.push(database.cleanUp);
    const port = await freePort();
    const child: ChildProcess = await startBackendProcess(port, { ...database.env, HTTPS: '1', TLS_DIR: join(dir, 'tls') });
    cleanUp.push(() => stopGently(child));

    const tls = await ensureLocalTls(join(dir, 'tls'));
    // A tablet that trusts the authority accepts the server's chain.
    const health = await fetchTls(`https://127.0.0.1:${String(port)}/api/health`, tls.caCert);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body.toString())).toMatchObject({ status: 'ok' });
    const download = await fetchTls(`https://127.0.0.1:${String(port)}${LOCAL_CA_PATH}`, tls.caCert);
    expect(download.type).toBe('application/x-x509-ca-cert');
    expect(new X509Certificate(download.body).fingerprint256).toBe(tls.caFingerprint);

    // Plain HTTP on the same port gets no app.
    const plain = await fetch(`http://127.0.0.1:${String(port)}/api/health`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(plain).not.toBe(200);
    // Nor does an old protocol.
    const old = await new Promise<string>((done) => {
      const socket = connect({
        host: '127.0.0.1',
        port,
        ca: tls.caCert,
        servername: 'localhost',
        minVersion: 'TLSv1.1',
        maxVersion: 'TLSv1.1',
        ciphers: 'ALL:@SECLEVEL=0',
      });
      socket.once('secureConnect', () => {
        socket.destroy();
        done('connected');
      });
      socket.once('error', () => {
        socket.destroy();
        done('refused');
      });
    });
    expect(old).toBe('refused');
  });
});
