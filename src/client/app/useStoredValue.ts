// Reads something from local storage and re-reads it whenever stored data
// changes (in this tab or another). Screens never wait on the network.
import { useEffect, useRef, useState } from 'react';
import type { Storage } from '../storage';

/** `key` names what is read: when it changes, the value is read afresh. */
export function useStoredValue<T>(storage: Storage, read: (storage: Storage) => Promise<T>, key = ''): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined);
  const reader = useRef(read);
  useEffect(() => {
    reader.current = read;
  });
  useEffect(() => {
    let alive = true;
    const load = (): void => {
      reader.current(storage).then(
        (v) => {
          if (alive) setValue(v);
        },
        () => undefined,
      );
    };
    load();
    const unsubscribe = storage.onChange(load);
    return () => {
      alive = false;
      unsubscribe();
    };
  }, [storage, key]);
  return value;
}
