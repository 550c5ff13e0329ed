// Asks the browser to keep this origin's storage under pressure (otherwise
// unsent records could be evicted) and reports how much space is used.

export async function requestPersistentStorage(): Promise<boolean> {
  if (typeof navigator.storage.persist !== 'function') return false;
  try {
    return (await navigator.storage.persisted()) || (await navigator.storage.persist());
  } catch {
    return false;
  }
}

export async function storageStatus(): Promise<{ persisted: boolean; usage: number | null; quota: number | null }> {
  try {
    const [persisted, estimate] = await Promise.all([navigator.storage.persisted(), navigator.storage.estimate()]);
    return { persisted, usage: estimate.usage ?? null, quota: estimate.quota ?? null };
  } catch {
    return { persisted: false, usage: null, quota: null };
  }
}
