// Open forms register a "save my draft now" function here. Before the app
// reloads for an update, every registered form is flushed, so an update never
// costs a half-filled form (DESIGN.md §8: no reload in the middle of a form).

type Flush = () => Promise<void>;
const flushers = new Set<Flush>();

export function registerFormFlush(flush: Flush): () => void {
  flushers.add(flush);
  return () => flushers.delete(flush);
}

export async function flushOpenForms(): Promise<void> {
  await Promise.all([...flushers].map((flush) => flush()));
}
