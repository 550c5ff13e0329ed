// Where the public confirmation page lives. The slip's QR code carries the slip
// code in the URL fragment (after #), which the browser never sends to the
// server and which the page removes from the address bar at once.
export const CONFIRMATION_PATH = '/bestaetigen';

/** The URL a slip's QR code opens: the page, with the code in the fragment. */
export function confirmationUrl(origin: string, slipCode: string): string {
  return `${origin}${CONFIRMATION_PATH}#${slipCode}`;
}
