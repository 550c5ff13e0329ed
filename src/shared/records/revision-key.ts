// One spelling of "this revision of this record" as a string key: the tablet's
// seal AAD, the server's batch bookkeeping and every map keyed by revision use it.
// Changing it would orphan every sealed row on a tablet (the AAD binds it).

/** `id#revision`, e.g. `0190…#2`. */
export const revisionKey = (id: string, revision: number): string => `${id}#${String(revision)}`;
