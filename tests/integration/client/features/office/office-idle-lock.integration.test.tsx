// @vitest-environment jsdom
// The office area signs out by itself: after the municipality's minutes without
// activity, and when it comes back after having been hidden that long (a
// browser freezes a hidden page's timers, so the time away is judged on return).
// It forgets its tokens, tells the server, and the sign-in screen says why.
// Time moves by fake timers; the backend is a stand-in that answers the sign-in.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { OfficeArea } from '@client/features/office/OfficeArea';
import { initI18n } from '@client/i18n';
import type { LoginResponse } from '@shared/protocol';

const MINUTE = 60_000;
const TOKEN = 'a'.repeat(43);

function loginAnswer(officeLockMinutes: number): LoginResponse {
  const now = Date.now();
  return {
    token: TOKEN,
    expiresAt: new Date(now + 15 * MINUTE).toISOString(),
    refreshToken: 'b'.repeat(43),
    refreshExpiresAt: new Date(now + 12 * 60 * MINUTE).toISOString(),
    user: { id: 'admin-1', displayName: 'Ada Admin', roles: ['admin'], organisationId: 'stadt', municipalityId: 'demo-stadt' },
    officeLockMinutes,
  };
}

/** Requests the office sent: method, path and the bearer token it used. */
let sent: { method: string; path: string; bearer: string | null }[] = [];

function stubBackend(officeLockMinutes: number): void {
  vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
    const method = init.method ?? 'GET';
    const headers = new Headers(init.headers);
    sent.push({ method, path: url, bearer: headers.get('authorization') });
    const json = (status: number, body: unknown) =>
      Promise.resolve(
        new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
      );
    if (url === '/api/session' && method === 'POST') return json(200, loginAnswer(officeLockMinutes));
    if (url === '/api/session' && method === 'DELETE') return json(204, null);
    // Everything the workspace loads: not needed here.
    return json(404, { error: { reason: 'notFound', message: 'Not found.' } });
  });
}

let visibility: DocumentVisibilityState = 'visible';
function setVisibility(state: DocumentVisibilityState): void {
  visibility = state;
  document.dispatchEvent(new Event('visibilitychange'));
}

async function signIn(): Promise<void> {
  render(<OfficeArea onExit={() => undefined} />);
  fireEvent.change(screen.getByLabelText('Benutzername'), { target: { value: 'admin' } });
  fireEvent.change(screen.getByLabelText('Passwort'), { target: { value: 'demo-passwort-lang' } });
  fireEvent.click(screen.getByRole('button', { name: 'Anmelden' }));
  expect(await screen.findByRole('button', { name: 'Von der Verwaltung abmelden' })).toBeTruthy();
}

const signedOutForInactivity = (minutes: number) => `Aus Sicherheitsgründen nach ${minutes} Minuten ohne Aktivität abgemeldet`;

beforeAll(async () => {
  await initI18n('de');
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
});
beforeEach(() => {
  sent = [];
  visibility = 'visible';
  vi.useFakeTimers({ shouldAdvanceTime: true });
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('office inactivity lock', () => {
  it("signs out after the municipality's minutes without activity, says why, and revokes the session on the server", async () => {
    stubBackend(15);
    await signIn();
    act(() => {
      vi.advanceTimersByTime(14 * MINUTE);
    });
    fireEvent.keyDown(window, { key: 'Tab' });
    act(() => {
      vi.advanceTimersByTime(14 * MINUTE);
    });
    expect(screen.queryByRole('button', { name: 'Von der Verwaltung abmelden' })).not.toBeNull();
    act(() => {
      vi.advanceTimersByTime(MINUTE + 1);
    });
    expect((await screen.findByRole('status')).textContent).toContain(signedOutForInactivity(15));
    expect(screen.getByRole('heading', { name: 'Anmeldung zur Verwaltung' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Von der Verwaltung abmelden' })).toBeNull();
    expect(sent).toContainEqual({ method: 'DELETE', path: '/api/session', bearer: `Bearer ${TOKEN}` });
  });

  it('signs out when the page comes back after being hidden longer than the limit, even if no timer ran meanwhile', async () => {
    stubBackend(5);
    await signIn();
    // Hidden briefly: nothing happens.
    setVisibility('hidden');
    vi.setSystemTime(Date.now() + 3 * MINUTE);
    act(() => {
      setVisibility('visible');
    });
    expect(screen.queryByRole('button', { name: 'Von der Verwaltung abmelden' })).not.toBeNull();
    fireEvent.pointerDown(window);
    // Hidden for six minutes while the browser froze the page's timers (the clock moves, no timer fires).
    setVisibility('hidden');
    vi.setSystemTime(Date.now() + 6 * MINUTE);
    expect(screen.queryByRole('button', { name: 'Von der Verwaltung abmelden' })).not.toBeNull();
    act(() => {
      setVisibility('visible');
    });
    expect((await screen.findByRole('status')).textContent).toContain(signedOutForInactivity(5));
    expect(sent.filter((request) => request.method === 'DELETE')).toHaveLength(1);
  });
});
