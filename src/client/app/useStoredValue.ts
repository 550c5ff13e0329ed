// Reads something from local storage and re-reads it whenever stored data
// changes (in this tab or another). Screens never wait on the network.
import { useEffect, useRef, useState } from 'react';
import type { Storage } from '../storage';

const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5_000;

/** `key` names what is read: when it changes, the value is read afresh. */
export function useStoredValue<T>(storage: Storage, read: (storage: Storage) => Promise<T>, key = ''): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined);
  const reader = useRef(read);
  useEffect(() => {
    reader.current = read;
  });
  useEffect(() => {
    let alive = true;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    const load = (): void => {
      if (retry !== undefined) clearTimeout(retry);
      retry = undefined;
      reader.current(storage).then(
        (v) => {
          failures = 0;
          if (alive) setValue(v);
        },
        () => {
          // A read that failed (the database busy opening after a reload, say) is tried again: offline,
          // no other change may come to trigger it, and a form waiting for its sites would wait forever.
          if (!alive) return;
          failures++;
          retry = setTimeout(load, Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (failures - 1)));
        },
      );
    };
    load();
    const unsubscribe = storage.onChange(load);
    return () => {
      alive = false;
      if (retry !== undefined) clearTimeout(retry);
      unsubscribe();
    };
  }, [storage, key]);
  return value;
}
