// What goes over the wire: the build's precompressed .br/.gz twins are served to
// browsers that accept them (same bytes once decoded, same cache rules), API answers
// above the size threshold are compressed on the fly, tiny ones are not.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/databases';
import { buildTestApp } from '../helpers/test-app';

const ASSET = '/assets/index-3f9a1c.js';
/** Large and repetitive like a real chunk, so compression clearly pays off. */
const ASSET_SOURCE = Buffer.from(
  Array.from({ length: 400 }, (_, i) => `export const screen${String(i)} = () => render("screen-${String(i % 7)}");`).join('\n'),
);
const INDEX_HTML = Buffer.from(`<!doctype html><title>Lotse</title><div id="root"></div>${'<!-- padding -->'.repeat(100)}`);
const SERVICE_WORKER = Buffer.from(`self.addEventListener("install", () => {});\n${'// precache entry\n'.repeat(200)}`);

function varyNames(value: string | string[] | number | undefined): string[] {
  return String(value ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase());
}

describeEachDatabase('compression', ({ db }) => {
  let app: FastifyInstance;
  let staticDir: string;

  beforeAll(async () => {
    // What `npm run build` leaves in dist/: every text asset with a .br and .gz twin; sw.js
    // is written by the PWA plugin after the compression step and has none.
    staticDir = await mkdtemp(join(tmpdir(), 'lotse-dist-compressed-'));
    await mkdir(join(staticDir, 'assets'));
    const files: [string, Buffer][] = [
      [ASSET, ASSET_SOURCE],
      ['/index.html', INDEX_HTML],
    ];
    for (const [path, bytes] of files) {
      await writeFile(join(staticDir, path), bytes);
      await writeFile(join(staticDir, `${path}.br`), brotliCompressSync(bytes));
      await writeFile(join(staticDir, `${path}.gz`), gzipSync(bytes, { level: 9 }));
    }
    await writeFile(join(staticDir, 'sw.js'), SERVICE_WORKER);
    app = buildTestApp(db(), { staticDir });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await rm(staticDir, { recursive: true, force: true });
  });

  it('serves a hashed asset brotli-compressed to a browser that accepts br, with its immutable caching', async () => {
    const response = await app.inject({ method: 'GET', url: ASSET, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(varyNames(response.headers.vary)).toContain('accept-encoding');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(String(response.headers['content-type'])).toMatch(/javascript/);
    expect(response.rawPayload.length).toBeLessThan(ASSET_SOURCE.length / 4);
    expect(brotliDecompressSync(response.rawPayload).equals(ASSET_SOURCE)).toBe(true);
  });

  it('serves the gzip twin to a browser that accepts only gzip', async () => {
    const response = await app.inject({ method: 'GET', url: ASSET, headers: { 'accept-encoding': 'gzip' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(varyNames(response.headers.vary)).toContain('accept-encoding');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(gunzipSync(response.rawPayload).equals(ASSET_SOURCE)).toBe(true);
  });

  it('serves the plain file when the request names no encoding', async () => {
    const response = await app.inject({ method: 'GET', url: ASSET });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.rawPayload.equals(ASSET_SOURCE)).toBe(true);
  });

  it('keeps index.html and the service worker no-cache, compressed or not', async () => {
    const page = await app.inject({ method: 'GET', url: '/', headers: { 'accept-encoding': 'br' } });
    expect(page.headers['content-encoding']).toBe('br');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(brotliDecompressSync(page.rawPayload).equals(INDEX_HTML)).toBe(true);

    const worker = await app.inject({ method: 'GET', url: '/sw.js', headers: { 'accept-encoding': 'gzip' } });
    expect(worker.statusCode).toBe(200);
    expect(worker.headers['cache-control']).toBe('no-cache');
    expect(worker.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(worker.rawPayload).equals(SERVICE_WORKER)).toBe(true);
  });

  it('compresses a large API answer and keeps no-store and the security headers', async () => {
    const plain = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    const response = await app.inject({ method: 'GET', url: '/api/openapi.json', headers: { 'accept-encoding': 'br' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(varyNames(response.headers.vary)).toContain('accept-encoding');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(String(response.headers['content-security-policy'])).toContain("default-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(brotliDecompressSync(response.rawPayload).equals(plain.rawPayload)).toBe(true);
  });

  it('leaves tiny API answers uncompressed', async () => {
    const health = await app.inject({ method: 'GET', url: '/api/health', headers: { 'accept-encoding': 'br, gzip' } });
    expect(health.statusCode).toBe(200);
    expect(health.headers['content-encoding']).toBeUndefined();
    expect(health.headers['cache-control']).toBe('no-store');
    expect(health.json()).toMatchObject({ status: 'ok' });

    const error = await app.inject({ method: 'GET', url: '/api/no-such-route', headers: { 'accept-encoding': 'br, gzip' } });
    expect(error.statusCode).toBe(404);
    expect(error.headers['content-encoding']).toBeUndefined();
    expect(error.headers['cache-control']).toBe('no-store');
  });

  it('does not unpack compressed request bodies (they would slip past the body limit)', async () => {
    const body = gzipSync(Buffer.from(JSON.stringify({ username: 'someone', password: 'not-a-password' })));
    const response = await app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: body,
    });
    // As before compression was added: the body is read as it came, and gzip is not JSON.
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { reason: 'malformedJson' } });
  });
});
