// The benchmark workload, shared by the browser entry (Chromium) and the Node
// sync bench: HOME contacts built like tests/fixtures/home-contacts.ts, each
// with a short free-text note of ~200 characters (the form allows 500).
import type { HomeContactRecord } from '@shared/records/sync-record';
import { homeContactRecord } from '../fixtures/home-contacts';

const NOTE_TEXT =
  'Mutter fragt nach Sprachkursen und Betreuungszeiten am Nachmittag; Hinweis auf Familienzentrum Nord gegeben, ' +
  'Flyer mitgegeben. Rückfrage zur Anmeldung in der Kita beim nächsten Kontakt im Foyer klären.';

/** A ~200-character note that differs per record (so every content hash differs). */
export function benchNote(index: number): string {
  const tag = ` #${String(index)}`;
  return NOTE_TEXT.slice(0, 200 - tag.length) + tag;
}

const TOPIC_SETS = [['childcare'], ['health', 'parenting'], ['languageSupport'], ['schoolEntry', 'money', 'housing']] as const;
const BASE_TIME = Date.UTC(2026, 10, 20, 7, 0, 0);

/** `count` HOME-contact envelopes from one device, one second apart, content hashed as on the tablet. */
export async function buildHomeContacts(count: number, deviceId: string): Promise<HomeContactRecord[]> {
  const records: HomeContactRecord[] = [];
  for (let i = 0; i < count; i++) {
    records.push(
      await homeContactRecord(
        { topics: [...(TOPIC_SETS[i % TOPIC_SETS.length] ?? ['other'])], note: benchNote(i) },
        { deviceId, now: new Date(BASE_TIME + i * 1000) },
      ),
    );
  }
  return records;
}

export const BENCH_PASSPHRASE = 'Sonnenblume 2026 Station';

/** What the browser entry (tests/bench/browser/entry.ts) exposes on `window.lotseBench`. */
export interface BrowserBenchApi {
  /** Builds the workload in the page (not timed by the figures). */
  prepare(count: number): Promise<{ count: number; ms: number }>;
  /** RecordStore.saveRecord, one record after the other, on a fresh unlocked tablet database. */
  saveEncrypted(count: number): Promise<{ count: number; ms: number }>;
  /** The same saves without the vault: same row shapes, same transaction pattern, JSON instead of a sealed box. */
  savePlain(count: number): Promise<{ count: number; ms: number }>;
  /** Batch import (bench-only path, no production API): seal `chunk` records, then one transaction per chunk. */
  bulkEncrypted(count: number, chunk: number): Promise<{ count: number; ms: number }>;
  bulkPlain(count: number, chunk: number): Promise<{ count: number; ms: number }>;
  /** createSlot (×slots) and unlock (×unlocks) timings in ms, plus the bare PBKDF2 derivation (×kdfRuns). */
  keySlots(
    slots: number,
    unlocks: number,
    kdfRuns: number,
  ): Promise<{ createSlotMs: number[]; unlockMs: number[]; pbkdf2Ms: number[]; iterations: number }>;
  /** Per-save latency in ms of `count` saveRecord calls after `warmup` untimed ones, and of vault.seal alone. */
  saveLatency(count: number, warmup: number): Promise<{ saveMs: number[]; sealMs: number[] }>;
  /** Deletes the bench databases this page created. */
  cleanup(): Promise<void>;
}

declare global {
  interface Window {
    lotseBench?: BrowserBenchApi;
  }
}
