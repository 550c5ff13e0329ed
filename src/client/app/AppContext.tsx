// What every screen needs: the local stores and the sync engine.
import { createContext, useContext } from 'react';
import type { Storage } from '../storage';
import type { SyncEngine } from '../sync';

export interface AppServices {
  storage: Storage;
  sync: SyncEngine;
  /** The backend said this tablet is revoked: wipe and say so (App). */
  reportDeviceRevoked?: () => void;
}

export const AppContext = createContext<AppServices | null>(null);

export function useAppServices(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('useAppServices outside <AppContext>');
  return services;
}
