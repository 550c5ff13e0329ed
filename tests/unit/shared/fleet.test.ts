// The fleet report's contract: counts and times within bounds, nothing else.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_VERSION, deviceReportSchema } from '@shared/fleet';
import { deviceStatusRequestSchema } from '@shared/staff-api';

const report = {
  appVersion: '0.1.0',
  unsentCount: 3,
  unsentByKind: { homeContact: 2, consent: 1 },
  oldestUnsentAgeSeconds: 3 * 86_400,
  draftCount: 1,
  storagePersisted: true,
  storageUsageBytes: 1_200_000,
  storageQuotaBytes: 2_000_000_000,
};

describe('deviceReportSchema', () => {
  it('keeps APP_VERSION equal to package.json, which the office compares tablets against', () => {
    const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../package.json'), 'utf8')) as { version: string };
    expect(APP_VERSION).toBe(pkg.version);
  });

  it('accepts a well-formed report, and a status check without one (tablets from before the fleet view)', () => {
    expect(deviceReportSchema.parse(report)).toEqual(report);
    expect(
      deviceStatusRequestSchema.safeParse({ deviceId: '0190f2d3-1c2b-7a00-8000-000000000001', deviceSecret: 'A'.repeat(43) }).success,
    ).toBe(true);
  });

  it.each([
    ['a negative count', { unsentCount: -1 }],
    ['an enormous count', { unsentCount: 100_001 }],
    ['a fractional count', { draftCount: 1.5 }],
    ['an age of more than ten years', { oldestUnsentAgeSeconds: 11 * 366 * 86_400 }],
    ['an age without unsent records', { unsentCount: 0, unsentByKind: {}, oldestUnsentAgeSeconds: 60 }],
    ['unsent records without an age', { oldestUnsentAgeSeconds: null }],
    ['more per kind than in total', { unsentByKind: { homeContact: 4 } }],
    ['an unknown record kind', { unsentByKind: { familyName: 1 } }],
    ['a version that is not x.y.z', { appVersion: '0.1.0-beta; DROP' }],
    ['a negative storage size', { storageUsageBytes: -5 }],
    ['a field it does not know (a name, say)', { familyName: 'Muster' }],
  ])('refuses %s', (_, change) => {
    expect(deviceReportSchema.safeParse({ ...report, ...change }).success).toBe(false);
  });
});
