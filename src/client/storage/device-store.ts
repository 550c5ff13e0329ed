// Device-level facts kept in the `meta` table: the device id, the cached
// municipality configuration and the staff session. The session token lives
// here only until the encrypted vault (issue "shared-tablet security") holds it.
import { uuidv7 } from '../../shared/ids';
import { deviceConfigSchema, loginResponseSchema, type DeviceConfig, type LoginResponse } from '../../shared/protocol';
import type { LotseDatabase } from './LotseDatabase';

const KEYS = { deviceId: 'deviceId', config: 'deviceConfig', session: 'session' } as const;

export class DeviceStore {
  constructor(private readonly db: LotseDatabase) {}

  async deviceId(): Promise<string> {
    return this.db.transaction('rw', this.db.meta, async () => {
      const existing = await this.db.meta.get(KEYS.deviceId);
      if (typeof existing?.value === 'string') return existing.value;
      const id = uuidv7();
      await this.db.meta.put({ key: KEYS.deviceId, value: id });
      return id;
    });
  }

  async config(): Promise<DeviceConfig | undefined> {
    const entry = await this.db.meta.get(KEYS.config);
    const parsed = deviceConfigSchema.safeParse(entry?.value);
    return parsed.success ? parsed.data : undefined;
  }

  async saveConfig(config: DeviceConfig): Promise<void> {
    await this.db.meta.put({ key: KEYS.config, value: config });
  }

  async session(): Promise<LoginResponse | undefined> {
    const entry = await this.db.meta.get(KEYS.session);
    const parsed = loginResponseSchema.safeParse(entry?.value);
    return parsed.success ? parsed.data : undefined;
  }

  async saveSession(session: LoginResponse): Promise<void> {
    await this.db.meta.put({ key: KEYS.session, value: session });
  }

  async clearSession(): Promise<void> {
    await this.db.meta.delete(KEYS.session);
  }
}
