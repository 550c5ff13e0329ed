// The strength estimate for a tablet passphrase, loaded only when a passphrase is chosen or an old
// one is judged again: its dictionaries (~1.3 MB) stay out of the tablet's entry chunk and are not
// precached. Offline, before the chunk was ever loaded, there is no estimate (null).
import type { PassphraseVerdict } from '@domain/password-strength';

export async function judgePassphraseLazily(passphrase: string, personalWords: readonly string[]): Promise<PassphraseVerdict | null> {
  try {
    const { judgePassphrase } = await import('@domain/password-strength');
    return judgePassphrase(passphrase, personalWords);
  } catch {
    return null;
  }
}
