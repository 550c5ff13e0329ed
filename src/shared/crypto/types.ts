// WebCrypto key types named the same in the DOM and in Node's typings (Node's
// @types do not declare the global CryptoKey, but both declare `crypto.subtle`).
export type Key = Parameters<typeof crypto.subtle.encrypt>[1];
export type KeyPair = Awaited<ReturnType<typeof generateEcdsaPair>>;

function generateEcdsaPair() {
  return crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
}
