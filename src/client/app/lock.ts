// Locking: every open form first seals its draft (so nothing typed is lost),
// then the vault forgets its keys and the work screens unmount.
import { flushOpenForms } from '../pwa/form-guard';
import type { Storage } from '../storage';

export async function lockApp(storage: Storage): Promise<void> {
  try {
    await flushOpenForms();
  } finally {
    storage.vault.lock();
  }
}
