// Child protection (§ 8a SGB VIII): how a municipality's tablets present the
// instruction to phone at once when answers signal acute danger. The content
// (title, which number first, whether it starts discreetly) is decided by the
// municipality's ASD and Frühe Hilfen experts; the admin only enters it. A
// municipality that configures nothing keeps the built-in text.
import { z } from 'zod';

/** What a tel: link can dial and a person can read: digits, spaces, "+", "-" and at least three digits. */
export const EMERGENCY_PHONE_PATTERN = /^\+?[0-9][0-9 -]*$/;

export const emergencyContactSettingSchema = z.strictObject({
  label: z.string().trim().min(1, { message: 'required' }).max(80, { message: 'tooLong' }),
  phone: z
    .string()
    .trim()
    .min(1, { message: 'required' })
    .max(30, { message: 'tooLong' })
    .regex(EMERGENCY_PHONE_PATTERN, { message: 'invalidPhone' })
    .refine((phone) => phone.replace(/\D/g, '').length >= 3, { message: 'invalidPhone' }),
});

/** Free texts: null (or absent) means the built-in wording in the staff language. */
const optionalText = (max: number) => z.string().trim().min(1, { message: 'required' }).max(max, { message: 'tooLong' }).nullable();

/** What the admin sets (PUT /api/admin/settings `emergencyInstruction`). */
export const emergencyInstructionSettingsSchema = z.strictObject({
  /** Heading of the expanded instruction; null: "Jetzt handeln: Kinderschutzdienst anrufen". */
  title: optionalText(120),
  /** The sentence under it (e.g. the next step besides calling); null: the built-in § 8a text. */
  intro: optionalText(500),
  /** Starts as a neutral notice without red or alarming words; staff expand it. */
  discreet: z.boolean(),
  /** The neutral heading while discreet; null: "Hinweis für die Fachkraft". */
  discreetTitle: optionalText(80),
  /** The numbers in the order shown: the first is the big first button. */
  contacts: z
    .array(emergencyContactSettingSchema)
    .min(1, { message: 'atLeastOneNumber' })
    .max(6, { message: 'tooMany' })
    .refine((contacts) => new Set(contacts.map((contact) => contact.label)).size === contacts.length, { message: 'duplicateItem' }),
});
export type EmergencyInstructionSettings = z.infer<typeof emergencyInstructionSettingsSchema>;

/** The presentation part a tablet receives with its configuration (the numbers travel in emergencyContacts). */
export const emergencyPresentationSchema = z.strictObject({
  title: z.string().nullable(),
  intro: z.string().nullable(),
  discreet: z.boolean(),
  discreetTitle: z.string().nullable(),
});
export type EmergencyPresentation = z.infer<typeof emergencyPresentationSchema>;

/** Built-in presentation: today's loud, immediate instruction. */
export const DEFAULT_EMERGENCY_PRESENTATION: EmergencyPresentation = { title: null, intro: null, discreet: false, discreetTitle: null };

/**
 * Tablets built before the presentation existed parse their configuration strictly and would
 * reject an unknown field; only a tablet that asks with this query parameter receives it.
 */
export const CONFIG_FEATURES_PARAM = 'features';
export const EMERGENCY_PRESENTATION_FEATURE = 'emergencyPresentation';
