// Device-level facts in the `meta` table. In clear: the device id, its
// enrollment (id, label, the revocable device secret) and the municipality's
// configuration and the network's offer catalogue (a public directory of
// organisations), each person's HOME site of the day (a site id and a date),
// after how many days an unsent entry is overdue —
// none of it about a family. Sealed: each person's session
// tokens, so a copied browser profile yields no usable sign-in.
import { uuidv7 } from '@shared/ids';
import { deviceConfigSchema, loginResponseSchema, type DeviceConfig, type LoginResponse } from '@shared/protocol';
import { offerCatalogResponseSchema, type OfferCatalogResponse } from '@shared/offers';
import { tabletReferralStatesSchema, type TabletReferralStates } from '@shared/referral-api';
import { z } from 'zod';
import { DEFAULT_FLEET_WARNING_DAYS, MAX_FLEET_WARNING_DAYS } from '@shared/fleet';
import type { Sealed } from '@shared/crypto/aes-gcm';
import type { LotseDatabase } from './LotseDatabase';
import type { Vault } from './vault';

const KEYS = {
  deviceId: 'deviceId',
  config: 'deviceConfig',
  enrollment: 'enrollment',
  withdrawalsPulledAt: 'withdrawalsPulledAt',
  offerCatalog: 'offerCatalog',
  referralStates: 'referralStates',
  unsentWarningDays: 'unsentWarningDays',
} as const;

/** Per person: `homeSiteOfDay:<userId>`. */
const SITE_OF_DAY_PREFIX = 'homeSiteOfDay:';
const siteOfDaySchema = z.strictObject({ siteId: z.string(), date: z.string() });
const unsentWarningDaysSchema = z.number().int().min(1).max(MAX_FLEET_WARNING_DAYS);

export const enrollmentSchema = z.strictObject({
  deviceId: z.string(),
  deviceSecret: z.string(),
  label: z.string(),
  municipalityId: z.string(),
  organisationId: z.string(),
  enrolledAt: z.string(),
});
export type Enrollment = z.infer<typeof enrollmentSchema>;

export class DeviceStore {
  constructor(
    private readonly db: LotseDatabase,
    private readonly vault: Vault,
  ) {}

  async deviceId(): Promise<string> {
    return this.db.transaction('rw', this.db.meta, async () => {
      const existing = await this.db.meta.get(KEYS.deviceId);
      if (typeof existing?.value === 'string') return existing.value;
      const id = uuidv7();
      await this.db.meta.put({ key: KEYS.deviceId, value: id });
      return id;
    });
  }

  /**
   * A new device id, only before enrollment: if an enrollment's answer was
   * lost, the server knows the old id and would refuse it forever.
   */
  async renewDeviceId(): Promise<void> {
    if (await this.enrollment()) throw new Error('an enrolled tablet keeps its id');
    await this.db.meta.delete(KEYS.deviceId);
  }

  async enrollment(): Promise<Enrollment | undefined> {
    const parsed = enrollmentSchema.safeParse((await this.db.meta.get(KEYS.enrollment))?.value);
    return parsed.success ? parsed.data : undefined;
  }

  async saveEnrollment(enrollment: Enrollment): Promise<void> {
    await this.db.meta.put({ key: KEYS.enrollment, value: enrollment });
  }

  async config(): Promise<DeviceConfig | undefined> {
    const parsed = deviceConfigSchema.safeParse((await this.db.meta.get(KEYS.config))?.value);
    return parsed.success ? parsed.data : undefined;
  }

  async saveConfig(config: DeviceConfig): Promise<void> {
    await this.db.meta.put({ key: KEYS.config, value: config });
  }

  /** The last offer catalogue pulled (in clear: organisations only); undefined if none or no longer valid. */
  async offers(): Promise<OfferCatalogResponse | undefined> {
    const parsed = offerCatalogResponseSchema.safeParse((await this.db.meta.get(KEYS.offerCatalog))?.value);
    return parsed.success ? parsed.data : undefined;
  }

  async saveOffers(catalog: OfferCatalogResponse): Promise<void> {
    await this.db.meta.put({ key: KEYS.offerCatalog, value: catalog });
  }

  /** States of the referrals made on this tablet, as last pulled; sealed, as they name case numbers. */
  async referralStates(): Promise<TabletReferralStates['referrals']> {
    const entry = await this.db.meta.get(KEYS.referralStates);
    if (!entry || !this.vault.isUnlocked) return [];
    const parsed = tabletReferralStatesSchema.shape.referrals.safeParse(
      await this.vault.open('meta', KEYS.referralStates, 1, entry.value as Sealed).catch(() => undefined),
    );
    return parsed.success ? parsed.data : [];
  }

  async saveReferralStates(states: TabletReferralStates['referrals']): Promise<void> {
    await this.db.meta.put({ key: KEYS.referralStates, value: await this.vault.seal('meta', KEYS.referralStates, 1, states) });
  }

  /** Server time of the last withdrawals pull (a timestamp, nothing about a case). */
  async withdrawalsPulledAt(): Promise<string | undefined> {
    const value = (await this.db.meta.get(KEYS.withdrawalsPulledAt))?.value;
    return typeof value === 'string' ? value : undefined;
  }

  async saveWithdrawalsPulledAt(serverTime: string): Promise<void> {
    await this.db.meta.put({ key: KEYS.withdrawalsPulledAt, value: serverTime });
  }

  /**
   * After how many days an unsent entry is overdue, as the backend last said
   * (FLEET_WARNING_DAYS); its default until the tablet has heard otherwise.
   */
  async unsentWarningDays(): Promise<number> {
    const parsed = unsentWarningDaysSchema.safeParse((await this.db.meta.get(KEYS.unsentWarningDays))?.value);
    return parsed.success ? parsed.data : DEFAULT_FLEET_WARNING_DAYS;
  }

  async saveUnsentWarningDays(days: number): Promise<void> {
    await this.db.meta.put({ key: KEYS.unsentWarningDays, value: unsentWarningDaysSchema.parse(days) });
  }

  /** The unlocked person's session (tokens), or undefined when locked or never signed in. */
  async session(): Promise<LoginResponse | undefined> {
    const userId = this.vault.unlockedUser?.userId;
    if (userId === undefined) return undefined;
    const key = `session:${userId}`;
    const entry = await this.db.meta.get(key);
    if (!entry) return undefined;
    const parsed = loginResponseSchema.safeParse(await this.vault.open('meta', key, 1, entry.value as Sealed));
    return parsed.success ? parsed.data : undefined;
  }

  async saveSession(session: LoginResponse): Promise<void> {
    const key = `session:${session.user.id}`;
    // The escrow key is used once, at the first sign-in, and never stored.
    const { deviceEscrowKey: _escrow, ...kept } = session;
    await this.db.meta.put({ key, value: await this.vault.seal('meta', key, 1, kept) });
  }

  async clearSession(userId: string): Promise<void> {
    await this.db.meta.delete(`session:${userId}`);
  }

  /** The site this person last logged a HOME contact at, and the day (a site id and a date, nothing else). */
  async homeSiteOfDay(userId: string): Promise<{ siteId: string; date: string } | undefined> {
    const parsed = siteOfDaySchema.safeParse((await this.db.meta.get(SITE_OF_DAY_PREFIX + userId))?.value);
    return parsed.success ? parsed.data : undefined;
  }

  async rememberHomeSite(userId: string, siteOfDay: { siteId: string; date: string }): Promise<void> {
    await this.db.meta.put({ key: SITE_OF_DAY_PREFIX + userId, value: { siteId: siteOfDay.siteId, date: siteOfDay.date } });
  }
}
