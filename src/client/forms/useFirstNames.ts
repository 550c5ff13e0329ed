// The shipped first-name list for the personal-data hint, fetched on first use
// (a separate chunk, precached for offline work): until it is there, the hint
// works with the detector's own short list.
import { useEffect, useState } from 'react';
import { loadFirstNames } from '@domain/first-names';

export function useFirstNames(): ReadonlySet<string> | undefined {
  const [names, setNames] = useState<ReadonlySet<string> | undefined>(undefined);
  useEffect(() => {
    let live = true;
    loadFirstNames().then(
      (loaded) => {
        if (live) setNames(loaded);
      },
      () => undefined, // offline before the chunk was ever cached: the short list still works
    );
    return () => {
      live = false;
    };
  }, []);
  return names;
}
