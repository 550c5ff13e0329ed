// The sites (HOME foyers, Kitas) a site-based form offers, from the tablet's
// pulled configuration: undefined while loading, so a form waits before defaults.
import { useMemo } from 'react';
import { useAppServices } from '../app/AppContext';
import { useStoredValue } from '../app/useStoredValue';

const NO_SITES: readonly { id: string; label: string }[] = [];

export interface HomeSites {
  /** False until the configuration was read (a form must not take its defaults before). */
  loaded: boolean;
  sites: readonly { id: string; label: string }[];
  /** The site ids, for the defaults (the one site is preselected). */
  siteIds: readonly string[];
}

export function useHomeSites(): HomeSites {
  const { storage } = useAppServices();
  const config = useStoredValue(storage, async (s) => (await s.device.config()) ?? null);
  const sites = config?.homeSites ?? NO_SITES;
  // One array per configuration, so callbacks that depend on it stay stable across renders.
  const siteIds = useMemo(() => sites.map((s) => s.id), [sites]);
  return { loaded: config !== undefined, sites, siteIds };
}
