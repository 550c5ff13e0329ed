// The shipped nginx configuration (deploy/nginx/lotse.conf) in front of the real
// backend: TR-02102-2 protocol versions and cipher suites, the security headers
// through the proxy, the redirect from plain HTTP and a client-proof X-Forwarded-For.
// Skipped only where nginx is missing and no CI variable demands it.
import { request } from 'node:https';
import { request as httpRequest } from 'node:http';
import { connect, createServer, getCiphers, type ConnectionOptions, type SecureVersion, type Server } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Database } from '@server/db/database';
import { buildTestApp } from '../helpers/test-app';

const METRICS_TOKEN = 'metrics-token-for-the-proxy-test-0123456789';
import { openTestDatabase } from '../../fixtures/test-database';
import { findNginx, findOpenssl, makeSelfSignedCertificate, nginxRequired, startTlsProxy, type TlsProxy } from '../../fixtures/nginx-proxy';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const available = findNginx() !== undefined && findOpenssl() !== undefined;
if (!available && !nginxRequired()) {
  console.warn('\n[tls-proxy] nginx or openssl missing (apt-get install nginx-light openssl): the TLS proxy test is SKIPPED.\n');
}

/** What the shipped configuration allows for TLS 1.2 (OpenSSL names); the RSA test certificate can use the RSA ones. */
const LISTED_TLS12 = [
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES128-GCM-SHA256',
];
const LISTED_TLS13 = ['TLS_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256'];

type Handshake = { ok: true; protocol: string | null; cipher: string } | { ok: false; code: string };

function handshake(port: number, ca: string, options: ConnectionOptions): Promise<Handshake> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca, ...options });
    socket.once('secureConnect', () => {
      const result: Handshake = { ok: true, protocol: socket.getProtocol(), cipher: socket.getCipher().standardName };
      socket.destroy();
      done(result);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      done({ ok: false, code: error.code ?? error.message });
    });
  });
}

/** An old-protocol or weak-suite attempt the client itself is willing to make (OpenSSL 3 forbids it at its default level). */
function legacy(version: SecureVersion, ciphers = 'ALL:@SECLEVEL=0'): ConnectionOptions {
  return { minVersion: version, maxVersion: version, ciphers };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  rawHeaders: string[];
  body: string;
}

/** The answer's bytes as they came over the wire (no decoding), for the compression check. */
function getRaw(
  url: string,
  ca: string,
  headers: Record<string, string>,
): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((done, fail) => {
    const req = request(url, { ca, headers, agent: false, servername: 'localhost' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        done({ headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    req.once('error', fail);
    req.end();
  });
}

function get(url: string, ca: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((done, fail) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? request : httpRequest;
    const req = send(url, { ca, headers, agent: false, servername: 'localhost' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => {
        done({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body });
      });
    });
    req.once('error', fail);
    req.end();
  });
}

describe.skipIf(!available && !nginxRequired())('TLS proxy (deploy/nginx/lotse.conf, nginx)', () => {
  let db: Database | undefined;
  let app: FastifyInstance | undefined;
  let proxy: TlsProxy | undefined;
  let ca = '';

  beforeAll(async () => {
    if (!available) throw new Error('nginx or openssl missing, and this run requires them (REQUIRE_NGINX / CI / REQUIRE_BROWSER)');
    db = await openTestDatabase();
    // nginx is the one trusted hop, as in deploy/lotse.env.example; metrics on, to prove nginx keeps them inside.
    app = buildTestApp(db, { trustProxy: 1, metricsToken: METRICS_TOKEN });
    // Which client address the backend sees, to prove the proxy's X-Forwarded-For cannot be forged.
    app.get('/api/test/client-ip', (request) => ({ ip: request.ip }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    proxy = await startTlsProxy((app.server.address() as AddressInfo).port);
    ca = proxy.certificate;
  });

  afterAll(async () => {
    await proxy?.stop();
    await app?.close();
    await db?.close();
  });

  const port = (): number => {
    if (!proxy) throw new Error('proxy not started');
    return proxy.port;
  };

  it('speaks TLS 1.3 and TLS 1.2, and refuses TLS 1.0 and 1.1 a willing client offers', async () => {
    expect(await handshake(port(), ca, {})).toMatchObject({ ok: true, protocol: 'TLSv1.3' });
    expect(await handshake(port(), ca, { maxVersion: 'TLSv1.2' })).toMatchObject({ ok: true, protocol: 'TLSv1.2' });

    // Control: the same client settings do get TLS 1.0/1.1 from a server that allows them,
    // so the refusal below is nginx's, not the client's.
    const dir = mkdtempSync(join(tmpdir(), 'lotse-tls-control-'));
    let control: Server | undefined;
    try {
      const openssl = findOpenssl();
      if (!openssl) throw new Error('openssl missing');
      makeSelfSignedCertificate(openssl, dir);
      const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
      control = createServer({ key: readFileSync(join(dir, 'key.pem')), cert, minVersion: 'TLSv1', ciphers: 'ALL:@SECLEVEL=0' }, (s) =>
        s.end(),
      );
      await new Promise<void>((r) => control?.listen(0, '127.0.0.1', r));
      const controlPort = (control.address() as AddressInfo).port;
      for (const version of ['TLSv1', 'TLSv1.1'] as const) {
        expect(await handshake(controlPort, cert, legacy(version))).toMatchObject({ ok: true, protocol: version });
        const refused = await handshake(port(), ca, legacy(version));
        expect(refused.ok).toBe(false);
        // A protocol_version alert from the server, not a client-side refusal.
        expect(refused).toMatchObject({ code: expect.stringMatching(/PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|WRONG_VERSION/i) as unknown });
      }
      // Weak TLS 1.2 suites the control server accepts: CBC, static RSA, DHE, ChaCha20.
      for (const suite of ['ECDHE-RSA-AES128-SHA256', 'AES128-GCM-SHA256', 'DHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-CHACHA20-POLY1305']) {
        const options = { maxVersion: 'TLSv1.2' as const, ciphers: `${suite}:@SECLEVEL=0` };
        if (suite.startsWith('DHE')) {
          // Node's control server has no DH parameters; the refusal alone must hold for nginx.
          expect((await handshake(port(), ca, options)).ok).toBe(false);
          continue;
        }
        expect(await handshake(controlPort, cert, options)).toMatchObject({ ok: true });
        expect(await handshake(port(), ca, options)).toMatchObject({ ok: false });
      }
    } finally {
      control?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('offers for TLS 1.2 only ECDHE with AES-GCM, and for TLS 1.3 only the AES-GCM suites', async () => {
    const tls12Candidates = getCiphers()
      .map((name) => name.toUpperCase())
      .filter((name) => !name.startsWith('TLS_'));
    const accepted12: string[] = [];
    for (const suite of tls12Candidates) {
      const result = await handshake(port(), ca, { maxVersion: 'TLSv1.2', ciphers: `${suite}:@SECLEVEL=0` });
      if (result.ok) accepted12.push(suite);
    }
    // The RSA test certificate can only use the RSA half of the list; both of those must work.
    expect(accepted12.sort()).toEqual(LISTED_TLS12.filter((s) => s.includes('-RSA-')).sort());

    const accepted13: string[] = [];
    for (const suite of [
      'TLS_AES_256_GCM_SHA384',
      'TLS_AES_128_GCM_SHA256',
      'TLS_CHACHA20_POLY1305_SHA256',
      'TLS_AES_128_CCM_SHA256',
      'TLS_AES_128_CCM_8_SHA256',
    ]) {
      const result = await handshake(port(), ca, { minVersion: 'TLSv1.3', ciphers: suite });
      if (result.ok) accepted13.push(result.cipher);
    }
    expect(accepted13.sort()).toEqual([...LISTED_TLS13].sort());
  });

  it('passes the backend security headers through, sends HSTS once, and hides the nginx version', async () => {
    const answer = await get(`https://localhost:${String(port())}/api/health`, ca);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 'ok' });
    const hsts = answer.rawHeaders.filter((_, i) => i % 2 === 0 && answer.rawHeaders[i]?.toLowerCase() === 'strict-transport-security');
    expect(hsts).toHaveLength(1);
    expect(answer.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
    expect(answer.headers['content-security-policy']).toContain("default-src 'self'");
    expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['referrer-policy']).toBe('no-referrer');
    expect(answer.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(answer.headers['cache-control']).toContain('no-store');
    expect(answer.headers['server']).toBe('nginx');
  });

  it('passes the backend’s compressed answers through unchanged, and plain ones to a client that asks for none', async () => {
    const url = `https://localhost:${String(port())}/api/openapi.json`;
    const plain = await getRaw(url, ca, {});
    const brotli = await getRaw(url, ca, { 'accept-encoding': 'br' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(String(brotli.headers['vary']).toLowerCase()).toContain('accept-encoding');
    expect(brotli.body.length).toBeLessThan(plain.body.length / 2);
    expect(brotliDecompressSync(brotli.body).equals(plain.body)).toBe(true);
  });

  it('keeps /metrics inside (404 from outside even with the token) and hands nginx’s request id to the backend', async () => {
    const outside = await get(`https://localhost:${String(port())}/metrics`, ca, { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(outside.status).toBe(404);
    expect(outside.body).not.toContain('lotse_');
    const answer = await get(`https://localhost:${String(port())}/api/health`, ca);
    const requestId = answer.headers['x-request-id'];
    expect(requestId).toMatch(/^[0-9a-f]{32}$/); // nginx's $request_id, not the backend's own UUID
    if (!proxy) throw new Error('proxy not started');
    expect(await proxy.accessLog()).toContain(String(requestId));
  });

  it('redirects plain HTTP to HTTPS', async () => {
    if (!proxy) throw new Error('proxy not started');
    const answer = await get(`http://127.0.0.1:${String(proxy.httpPort)}/some/page`, ca, { host: 'lotse.test' });
    expect(answer.status).toBe(301);
    expect(answer.headers['location']).toBe('https://lotse.test/some/page');
  });

  it('replaces a client-sent X-Forwarded-For, so sign-in limits see the real address', async () => {
    const answer = await get(`https://localhost:${String(port())}/api/test/client-ip`, ca, { 'x-forwarded-for': '203.0.113.7' });
    expect(JSON.parse(answer.body)).toEqual({ ip: '127.0.0.1' });
  });

  it('logs no query string in its access log', async () => {
    if (!proxy) throw new Error('proxy not started');
    await get(`https://localhost:${String(port())}/api/health?marker=QUERYMARKER42`, ca);
    const log = await proxy.accessLog();
    expect(log).toContain('GET /api/health');
    expect(log).not.toContain('QUERYMARKER42');
  });
});
