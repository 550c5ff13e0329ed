// Loads one list from the backend for a panel, with an explicit reload after
// changes. Nothing is cached: leaving the panel drops the data.
import { useCallback, useEffect, useRef, useState } from 'react';

export type OfficeData<T> = { state: 'loading' } | { state: 'loaded'; value: T } | { state: 'failed'; error: unknown };

export function useOfficeData<T>(load: () => Promise<T>): { data: OfficeData<T>; reload: () => void } {
  const [data, setData] = useState<OfficeData<T>>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  const loader = useRef(load);
  useEffect(() => {
    loader.current = load;
  });
  useEffect(() => {
    let alive = true;
    loader.current().then(
      (value) => {
        if (alive) setData({ state: 'loaded', value });
      },
      (error: unknown) => {
        if (alive) setData({ state: 'failed', error });
      },
    );
    return () => {
      alive = false;
    };
  }, [generation]);
  // A reload keeps showing the current list until the fresh one arrives.
  const reload = useCallback(() => {
    setGeneration((g) => g + 1);
  }, []);
  return { data, reload };
}
