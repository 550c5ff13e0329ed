// A draft write that fails (disk full) leaves the previous draft alone and
// does not poison later saves: stop() before saving the record must not throw,
// and once there is room again the next draft is written.
import { describe, expect, it } from 'vitest';
import { DraftAutosave } from '@client/forms/DraftAutosave';
import type { DraftStore } from '@client/storage/draft-store';

function drafts(failFirst: number): { store: DraftStore; saved: unknown[] } {
  const saved: unknown[] = [];
  let failures = failFirst;
  const store = {
    load: () => Promise.resolve(undefined),
    save: (_id: string, values: unknown) => {
      if (failures > 0) {
        failures--;
        return Promise.reject(new DOMException('The current transaction exceeded its quota limitations.', 'QuotaExceededError'));
      }
      saved.push(values);
      return Promise.resolve();
    },
    discard: () => Promise.resolve(),
  } as unknown as DraftStore;
  return { store, saved };
}

describe('DraftAutosave on a full disk', () => {
  it('survives a failed draft write and saves the next one', async () => {
    const { store, saved } = drafts(1);
    const autosave = new DraftAutosave(store, 'homeContact:new');
    await autosave.restore();
    await expect(autosave.saveNow(() => ({ note: 'a' }))).resolves.toBeUndefined();
    await expect(autosave.stop()).resolves.toBeUndefined();
    autosave.resume();
    await autosave.saveNow(() => ({ note: 'b' }));
    expect(saved).toEqual([{ note: 'b' }]);
  });
});
