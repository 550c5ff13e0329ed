// The offer catalogue on the tablet: stored in clear (a public directory of
// organisations, no family data), validated on read, and kept when a pull fails.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { offerCatalogResponseSchema } from '@shared/offers';
import type { Offer, OfferCatalogResponse } from '@shared/offers';
import { refreshConfig } from '@client/sync';
import { DEMO_OFFERS } from '@server/db/demo-offers';
import { openTestStorage, testUser, unlockedTestStorage } from '../../../fixtures/client-db';

function catalog(version: string, offers: readonly Offer[] = DEMO_OFFERS.slice(0, 3)): OfferCatalogResponse {
  return offerCatalogResponseSchema.parse({ serverTime: '2026-11-20T08:00:00.000Z', version, offers });
}

describe('DeviceStore offers', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('has none before the first pull, then returns what was saved; the newest save wins', async () => {
    const { storage } = openTestStorage(`offers-${String(Math.random())}`);
    expect(await storage.device.offers()).toBeUndefined();
    await storage.device.saveOffers(catalog('v1'));
    expect(await storage.device.offers()).toEqual(catalog('v1'));
    await storage.device.saveOffers(catalog('v2', DEMO_OFFERS.slice(5)));
    expect(await storage.device.offers()).toEqual(catalog('v2', DEMO_OFFERS.slice(5)));
    storage.close();
  });

  it('keeps it in clear in the meta table, readable while the vault is locked', async () => {
    const { storage, db } = openTestStorage(`offers-${String(Math.random())}`);
    await storage.device.saveOffers(catalog('v1'));
    expect((await db.meta.get('offerCatalog'))?.value).toEqual(catalog('v1'));
    expect(storage.vault.isUnlocked).toBe(false);
    expect((await storage.device.offers())?.version).toBe('v1');
    storage.close();
  });

  it('ignores a stored value that is no longer a valid catalogue', async () => {
    const { storage, db } = openTestStorage(`offers-${String(Math.random())}`);
    await db.meta.put({ key: 'offerCatalog', value: { version: 'old', offers: [{ id: 'x' }] } });
    expect(await storage.device.offers()).toBeUndefined();
    storage.close();
  });

  it('refreshConfig pulls the catalogue with the config and keeps the cached one when the pull fails', async () => {
    const { storage } = await unlockedTestStorage();
    await storage.device.saveSession({
      token: 'access-token',
      expiresAt: '2099-01-01T00:00:00.000Z',
      refreshToken: 'refresh-token',
      refreshExpiresAt: '2099-01-01T00:00:00.000Z',
      user: testUser(),
    });
    vi.stubGlobal('navigator', { onLine: true });
    // With the partners' free places, which the tablet asks for (older servers send none: both are valid).
    const [first, ...rest] = DEMO_OFFERS;
    if (!first) throw new Error('demo offers missing');
    const fresh = catalog('v2', [{ ...first, capacity: { status: 'waitingList', setAt: '2026-11-18T08:00:00.000Z' } }, ...rest] as Offer[]);
    // This build also asks for the offers' directions and texts in other languages.
    const offersUrl = '/api/sync/offers?features=capacity,familyTexts';
    const json = (status: number, body: unknown): Response =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    const fetchMock = vi.fn((url: string) =>
      Promise.resolve(
        url === offersUrl ? json(200, fresh) : json(500, { error: { reason: 'internal', message: 'down' } }), // the config pull fails on its own
      ),
    );
    vi.stubGlobal('fetch', fetchMock);
    await storage.device.saveOffers(catalog('v1'));
    await refreshConfig(storage);
    expect(fetchMock).toHaveBeenCalledWith(offersUrl, expect.objectContaining({ method: 'GET' }));
    expect(await storage.device.offers()).toEqual(fresh);
    expect((await storage.device.offers())?.offers[0]?.capacity).toEqual({ status: 'waitingList', setAt: '2026-11-18T08:00:00.000Z' });

    // A refusal (say, 403 off the tablet), a broken answer or no network: the cached catalogue stays.
    for (const failure of [
      () => Promise.resolve(json(403, { error: { reason: 'forbidden', message: 'tablet only' } })),
      () => Promise.resolve(json(200, { ...fresh, offers: [{ id: 'broken' }] })),
      // A capacity the schema does not know (a number with "full") is a broken answer too.
      () =>
        Promise.resolve(
          json(200, {
            ...fresh,
            version: 'v3',
            offers: [{ ...first, capacity: { status: 'full', places: -1, setAt: '2026-11-18T08:00:00.000Z' } }],
          }),
        ),
      () => Promise.reject(new TypeError('network down')),
    ]) {
      vi.stubGlobal('fetch', vi.fn(failure));
      await refreshConfig(storage);
      expect(await storage.device.offers()).toEqual(fresh);
    }
    storage.close();
  });
});
