// The browser's part of a passkey ceremony (navigator.credentials via @simplewebauthn/browser),
// loaded only when a passkey is set up or used: a chunk of its own, never in the tablet's start.
// WebAuthn needs a secure context (https, or localhost); elsewhere the choice is not offered.
import type { PasskeyAssertion, PasskeyOptions, PasskeyRegistration } from '@shared/passkeys';
import { passkeyAssertionSchema, passkeyRegistrationSchema } from '@shared/passkeys';

/** Whether this browser, on this page, can use passkeys at all. */
export function passkeysSupported(): boolean {
  return typeof window !== 'undefined' && window.isSecureContext && typeof window.PublicKeyCredential === 'function';
}

/** The person cancelled, or the browser refused (no authenticator, timeout): nothing was sent. */
export class PasskeyCeremonyFailed extends Error {
  override readonly name = 'PasskeyCeremonyFailed';
}

/** Creates a new passkey for the server's options; the answer is checked against the shared contract. */
export async function createPasskey(options: PasskeyOptions): Promise<PasskeyRegistration> {
  const { startRegistration } = await import('@simplewebauthn/browser');
  try {
    const answer = await startRegistration({ optionsJSON: options as unknown as Parameters<typeof startRegistration>[0]['optionsJSON'] });
    return passkeyRegistrationSchema.parse(answer);
  } catch (error) {
    throw new PasskeyCeremonyFailed(error instanceof Error ? error.name : 'failed');
  }
}

/** Signs the server's challenge with one of the account's passkeys. */
export async function answerWithPasskey(options: PasskeyOptions): Promise<PasskeyAssertion> {
  const { startAuthentication } = await import('@simplewebauthn/browser');
  try {
    const answer = await startAuthentication({
      optionsJSON: options,
    });
    return passkeyAssertionSchema.parse(answer);
  } catch (error) {
    throw new PasskeyCeremonyFailed(error instanceof Error ? error.name : 'failed');
  }
}
