// The acute-danger instruction a municipality configured (src/shared/emergency-instruction.ts):
// read for the admin and for the tablet configuration, written by the admin. One place, so
// the admin sees exactly what tablets receive.
import type { Queryable } from '../db/database';
import {
  DEFAULT_EMERGENCY_PRESENTATION,
  type EmergencyInstructionSettings,
  type EmergencyPresentation,
} from '@shared/emergency-instruction';

interface PresentationRow {
  emergency_title: string | null;
  emergency_intro: string | null;
  emergency_discreet: boolean;
  emergency_discreet_title: string | null;
}

export async function emergencyPresentation(q: Queryable, municipalityId: string): Promise<EmergencyPresentation> {
  const [row] = await q.query<PresentationRow>(
    `SELECT emergency_title, emergency_intro, emergency_discreet, emergency_discreet_title
       FROM municipality_settings WHERE municipality_id = $1`,
    [municipalityId],
  );
  if (!row) return DEFAULT_EMERGENCY_PRESENTATION;
  return {
    title: row.emergency_title,
    intro: row.emergency_intro,
    discreet: row.emergency_discreet,
    discreetTitle: row.emergency_discreet_title,
  };
}

/** The numbers in the order the tablet shows them (the first is the first button). */
export async function emergencyContacts(q: Queryable, municipalityId: string): Promise<{ label: string; phone: string }[]> {
  const rows = await q.query<{ label: string; phone: string }>(
    'SELECT label, phone FROM emergency_contacts WHERE municipality_id = $1 ORDER BY sort_order, label',
    [municipalityId],
  );
  return rows.map((row) => ({ label: row.label, phone: row.phone }));
}

/** The admin's view: undefined while no number is stored (the tablet then offers 110 only). */
export async function emergencyInstructionSettings(
  q: Queryable,
  municipalityId: string,
): Promise<EmergencyInstructionSettings | undefined> {
  const contacts = await emergencyContacts(q, municipalityId);
  if (contacts.length === 0) return undefined;
  return { ...(await emergencyPresentation(q, municipalityId)), contacts };
}

/** Replaces presentation and numbers; the settings row must exist (the caller upserts it first, in the same transaction). */
export async function replaceEmergencyInstruction(
  tx: Queryable,
  municipalityId: string,
  settings: EmergencyInstructionSettings,
): Promise<void> {
  await tx.query(
    `UPDATE municipality_settings
        SET emergency_title = $2, emergency_intro = $3, emergency_discreet = $4, emergency_discreet_title = $5
      WHERE municipality_id = $1`,
    [municipalityId, settings.title, settings.intro, settings.discreet, settings.discreetTitle],
  );
  await tx.query('DELETE FROM emergency_contacts WHERE municipality_id = $1', [municipalityId]);
  for (const [index, contact] of settings.contacts.entries()) {
    await tx.query('INSERT INTO emergency_contacts (municipality_id, label, phone, sort_order) VALUES ($1, $2, $3, $4)', [
      municipalityId,
      contact.label,
      contact.phone,
      index,
    ]);
  }
}
