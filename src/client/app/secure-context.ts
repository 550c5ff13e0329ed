// Whether this page can run Lotse at all: the browser gives encryption
// (WebCrypto) and offline work (service worker) only to secure origins —
// HTTPS, or localhost. Opened over plain HTTP from another machine (a tablet
// in the local network), the app must say so instead of failing later.
export type InsecureReason = 'notSecureContext' | 'noWebCrypto' | 'noServiceWorker';

export function insecureContextReasons(
  scope: {
    isSecureContext?: boolean;
    crypto?: { subtle?: unknown };
    navigator?: { serviceWorker?: unknown };
  } = globalThis,
): InsecureReason[] {
  const reasons: InsecureReason[] = [];
  if (scope.isSecureContext === false) reasons.push('notSecureContext');
  if (scope.crypto?.subtle === undefined) reasons.push('noWebCrypto');
  if (scope.navigator?.serviceWorker === undefined) reasons.push('noServiceWorker');
  return reasons;
}

/**
 * True where the origin itself is the problem (plain HTTP, not localhost): no
 * secure context, hence no WebCrypto. A secure page without a service worker
 * (e.g. a private window) is another matter and not answered with "use HTTPS".
 */
export function needsSecureConnection(): boolean {
  return insecureContextReasons().some((reason) => reason !== 'noServiceWorker');
}
