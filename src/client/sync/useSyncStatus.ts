// The sync engine's state for screens (a small union, CONVENTIONS.md 5).
import { useEffect, useState } from 'react';
import type { SyncEngine, SyncStatus } from './SyncEngine';

export function useSyncStatus(engine: SyncEngine): SyncStatus {
  const [status, setStatus] = useState<SyncStatus>(engine.current);
  useEffect(() => engine.subscribe(setStatus), [engine]);
  return status;
}
