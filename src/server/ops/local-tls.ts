// HTTPS for trying Lotse on a real tablet in the local network (`npm run
// start:https`): a small local certificate authority, made once in ./data/tls,
// and a server certificate it signs for this machine's names and LAN addresses.
// The tablet trusts the authority once (README); a new address only needs a new
// server certificate. Made with the openssl command line; nothing leaves the machine.
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';

export interface LocalTls {
  key: string;
  cert: string;
  /** The authority's certificate (PEM), for the tablet to trust. */
  caCert: string;
  caFingerprint: string;
  /** Names and addresses the server certificate is valid for. */
  names: string[];
  /** This machine's LAN addresses (for the URLs to show). */
  addresses: string[];
}

/** IPv4 and global IPv6 addresses of this machine's network interfaces, loopback excluded. */
export function lanAddresses(): string[] {
  const found: string[] = [];
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.internal) continue;
      if (entry.family === 'IPv6' && (entry.address.startsWith('fe80:') || entry.scopeid !== 0)) continue;
      found.push(entry.address);
    }
  }
  return [...new Set(found)];
}

function openssl(args: string[], cwd: string): void {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (result.error) {
    throw new Error(
      'HTTPS mode needs the openssl command (Debian/Ubuntu: apt-get install openssl; macOS has it; Windows: it comes with Git for Windows).',
    );
  }
  if (result.status !== 0) throw new Error(`openssl ${args[0] ?? ''} failed: ${result.stderr.trim()}`);
}

function isIp(name: string): boolean {
  return /^[\d.]+$/.test(name) || name.includes(':');
}

async function makeAuthority(dir: string): Promise<void> {
  const subject = `/CN=Lotse local test CA (${hostname().replace(/[/=]/g, '-')})/O=Lotse trial`;
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-sha256',
      '-days',
      '825',
      '-keyout',
      'ca-key.pem',
      '-out',
      'ca.pem',
      '-subj',
      subject,
      '-addext',
      'basicConstraints=critical,CA:TRUE,pathlen:0',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  await chmod(join(dir, 'ca-key.pem'), 0o600);
}

async function makeServerCertificate(dir: string, names: string[]): Promise<void> {
  const alt = names.map((name) => (isIp(name) ? `IP:${name}` : `DNS:${name}`)).join(',');
  await writeFile(
    join(dir, 'server.ext'),
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${alt}`,
    ].join('\n'),
  );
  openssl(
    [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      'server-key.pem',
      '-out',
      'server.csr',
      '-subj',
      '/CN=Lotse (local trial)',
    ],
    dir,
  );
  // 397 days: the longest validity Apple devices accept for a server certificate.
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-CAcreateserial',
      '-days',
      '397',
      '-sha256',
      '-extfile',
      'server.ext',
      '-out',
      'server.pem',
    ],
    dir,
  );
  await chmod(join(dir, 'server-key.pem'), 0o600);
  await rm(join(dir, 'server.csr'), { force: true });
  await writeFile(join(dir, 'names.json'), `${JSON.stringify(names)}\n`);
}

/**
 * The certificate for `names` (default: localhost, this host's names, loopback and
 * LAN addresses), made or renewed as needed in `dir`. The authority is kept across
 * renewals, so a tablet that trusts it once keeps trusting new server certificates.
 */
export async function ensureLocalTls(dir: string, addresses: string[] = lanAddresses()): Promise<LocalTls> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const host = hostname();
  const names = [
    ...new Set(['localhost', host, `${host}.local`, '127.0.0.1', '::1', ...addresses].filter((n) => /^[A-Za-z0-9.:-]+$/.test(n))),
  ];
  if (!existsSync(join(dir, 'ca.pem')) || !existsSync(join(dir, 'ca-key.pem'))) {
    await makeAuthority(dir);
    await rm(join(dir, 'server.pem'), { force: true });
  }
  const known = existsSync(join(dir, 'names.json')) ? (JSON.parse(await readFile(join(dir, 'names.json'), 'utf8')) as string[]) : [];
  const current = existsSync(join(dir, 'server.pem')) ? new X509Certificate(await readFile(join(dir, 'server.pem'))) : undefined;
  const expiresSoon = current ? new Date(current.validTo).getTime() - Date.now() < 7 * 24 * 3600 * 1000 : true;
  if (!current || expiresSoon || names.some((name) => !known.includes(name))) await makeServerCertificate(dir, names);
  const caCert = await readFile(join(dir, 'ca.pem'), 'utf8');
  return {
    key: await readFile(join(dir, 'server-key.pem'), 'utf8'),
    cert: await readFile(join(dir, 'server.pem'), 'utf8'),
    caCert,
    caFingerprint: new X509Certificate(caCert).fingerprint256,
    names,
    addresses,
  };
}
