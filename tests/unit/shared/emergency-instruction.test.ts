// The acute-danger instruction a municipality configures: the admin's input is
// bounded and phone numbers are dialable, and the tablet configuration stays
// readable both for tablets built before the presentation existed and for
// configurations cached before it existed.
import { describe, expect, it } from 'vitest';
import { emergencyInstructionSettingsSchema } from '@shared/emergency-instruction';
import { deviceConfigSchema } from '@shared/protocol';
import { municipalitySettingsSchema } from '@shared/staff-api';

const valid = {
  title: 'ASD-Rufbereitschaft anrufen',
  intro: 'Danach die Leitung informieren.',
  discreet: true,
  discreetTitle: 'Hinweis',
  contacts: [
    { label: 'ASD-Rufbereitschaft', phone: '+49 211 899-0' },
    { label: 'Polizei', phone: '110' },
  ],
};

const issue = (input: unknown) => emergencyInstructionSettingsSchema.safeParse(input).error?.issues[0]?.message;

describe('emergency instruction settings', () => {
  it('accepts a configured instruction and nulls for the built-in texts', () => {
    expect(emergencyInstructionSettingsSchema.parse(valid)).toEqual(valid);
    expect(
      emergencyInstructionSettingsSchema.parse({ ...valid, title: null, intro: null, discreetTitle: null, discreet: false }),
    ).toMatchObject({ title: null, intro: null, discreetTitle: null });
  });

  it('refuses numbers that are not digits, spaces, + and -', () => {
    for (const phone of ['110; DROP', 'tel:110', '0211/123', 'ruf an', '+', '12', '1'.repeat(31), '0211 12\n34']) {
      expect(issue({ ...valid, contacts: [{ label: 'ASD', phone }] }), phone).toMatch(/invalidPhone|tooLong/);
    }
    expect(issue({ ...valid, contacts: [{ label: 'ASD', phone: '0211 123-45' }] })).toBeUndefined();
  });

  it('needs at least one number, at most six, each label once', () => {
    expect(issue({ ...valid, contacts: [] })).toBe('atLeastOneNumber');
    const seven = Array.from({ length: 7 }, (_, i) => ({ label: `Nummer ${String(i)}`, phone: '110' }));
    expect(issue({ ...valid, contacts: seven })).toBe('tooMany');
    expect(issue({ ...valid, contacts: [valid.contacts[1], valid.contacts[1]] })).toBe('duplicateItem');
  });

  it('bounds every text and refuses unknown fields', () => {
    expect(issue({ ...valid, title: 'x'.repeat(121) })).toBe('tooLong');
    expect(issue({ ...valid, intro: 'x'.repeat(501) })).toBe('tooLong');
    expect(issue({ ...valid, discreetTitle: 'x'.repeat(81) })).toBe('tooLong');
    expect(issue({ ...valid, contacts: [{ label: 'x'.repeat(81), phone: '110' }] })).toBe('tooLong');
    expect(issue({ ...valid, title: '   ' })).toBe('required');
    expect(emergencyInstructionSettingsSchema.safeParse({ ...valid, colour: 'red' }).success).toBe(false);
  });

  it('is optional in the municipality settings (a PUT without it leaves it as it is)', () => {
    const settings = {
      autoLockMinutes: 5,
      maxUnlockAttempts: 10,
      retentionDaysAfterSync: 0,
      fourEyesKinds: ['screening'],
      fourEyesForReferrals: true,
    };
    expect(municipalitySettingsSchema.safeParse(settings).success).toBe(true);
    expect(municipalitySettingsSchema.safeParse({ ...settings, emergencyInstruction: valid }).success).toBe(true);
    expect(municipalitySettingsSchema.safeParse({ ...settings, emergencyInstruction: { ...valid, contacts: [] } }).success).toBe(false);
  });
});

describe('tablet configuration with and without the presentation', () => {
  const oldShape = {
    protocolVersion: 1,
    serverTime: '2026-12-07T10:00:00.000Z',
    municipality: { id: 'demo-stadt', name: 'Demo-Stadt' },
    homeSites: [],
    districts: [],
    welcomeItems: [],
    emergencyContacts: [{ label: 'Polizei', phone: '110' }],
    security: { autoLockMinutes: 5, maxUnlockAttempts: 10, retentionDaysAfterSync: 0 },
    fourEyes: { kinds: ['screening'], forReferrals: true, linkedAccounts: [] },
  };
  const newShape = { ...oldShape, emergencyPresentation: { title: 'ASD anrufen', intro: null, discreet: true, discreetTitle: null } };
  // What a tablet built before this change parses with: the same strict schema without the field.
  const olderTabletSchema = deviceConfigSchema.omit({ emergencyPresentation: true });

  it('a new tablet reads a configuration cached (or served) without it: built-in presentation', () => {
    const parsed = deviceConfigSchema.parse(oldShape);
    expect(parsed.emergencyPresentation).toBeUndefined();
    expect(parsed.emergencyContacts).toEqual([{ label: 'Polizei', phone: '110' }]);
  });

  it('a new tablet reads the configured presentation', () => {
    expect(deviceConfigSchema.parse(newShape).emergencyPresentation).toEqual(newShape.emergencyPresentation);
  });

  it('an older tablet rejects the new field, which is why the server sends it only on request', () => {
    expect(olderTabletSchema.safeParse(oldShape).success).toBe(true);
    expect(olderTabletSchema.safeParse(newShape).success).toBe(false);
  });
});
