// WebCrypto key types named the same in the DOM and in Node's typings (Node's
// @types do not declare the global CryptoKey, but both declare `crypto.subtle`).
export type Key = Parameters<typeof crypto.subtle.encrypt>[1];
export interface KeyPair {
  publicKey: Key;
  privateKey: Key;
}
