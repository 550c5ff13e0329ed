// Serves a built Fastify app over HTTPS with a given key and certificate — for
// the local tablet trial (local-tls.ts). Production terminates TLS in nginx
// (deploy/nginx/lotse.conf) instead. Also hands out the local authority's
// certificate at /lotse-local-ca.crt, so a tablet can fetch it to trust it.
import { createServer, type Server } from 'node:https';
import type { FastifyInstance } from 'fastify';

export const LOCAL_CA_PATH = '/lotse-local-ca.crt';

export async function listenHttps(
  app: FastifyInstance,
  options: { key: string; cert: string; caCert?: string; port: number; host: string },
): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  await app.ready();
  const caDer = options.caCert === undefined ? undefined : pemToDer(options.caCert);
  const server = createServer({ key: options.key, cert: options.cert, minVersion: 'TLSv1.2' }, (request, response) => {
    if (caDer && request.method === 'GET' && request.url === LOCAL_CA_PATH) {
      // DER with this type: Android and iPadOS offer to install it as a CA certificate.
      response.writeHead(200, {
        'content-type': 'application/x-x509-ca-cert',
        'content-disposition': 'attachment; filename="lotse-local-ca.crt"',
        'cache-control': 'no-store',
      });
      response.end(caDer);
      return;
    }
    app.routing(request, response);
  });
  // As Fastify sets for its own server: longer than common proxies' and tablets' idle times.
  server.keepAliveTimeout = 72_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

function pemToDer(pem: string): Buffer {
  const body = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  return Buffer.from(body, 'base64');
}

/**
 * `HTTPS=1`: the local trial over HTTPS with the certificate from `tlsDir` (made
 * there on first use). Returns what to print: the addresses a tablet can open and
 * where it gets the authority's certificate, with its fingerprint to compare.
 */
export async function serveLocalHttps(
  app: FastifyInstance,
  options: { port: number; host: string; tlsDir: string },
): Promise<{ url: string; close: () => Promise<void>; lines: string[] }> {
  const { ensureLocalTls } = await import('./local-tls');
  const tls = await ensureLocalTls(options.tlsDir);
  const listening = await listenHttps(app, { key: tls.key, cert: tls.cert, caCert: tls.caCert, port: options.port, host: options.host });
  const loopbackOnly = options.host === '127.0.0.1' || options.host === '::1' || options.host === 'localhost';
  const hosts = loopbackOnly ? [] : tls.addresses.map((a) => (a.includes(':') ? `[${a}]` : a));
  const lines = [
    `HTTPS (local trial; certificate in ${options.tlsDir}, valid for ${tls.names.join(', ')})`,
    ...hosts.map((h) => `  on a tablet in this network: https://${h}:${String(listening.port)}/`),
    ...hosts
      .slice(0, 1)
      .map((h) => `  trust it once first (README "HTTPS on a tablet"): https://${h}:${String(listening.port)}${LOCAL_CA_PATH}`),
    `  certificate authority SHA-256: ${tls.caFingerprint}`,
  ];
  return { url: `https://localhost:${String(listening.port)}/`, close: listening.close, lines };
}
