// No password or passphrase field invites the browser to store what is typed
// into it (finding L7): tablets and office PCs are shared, and a saved unlock
// passphrase would open the data at rest for whoever copies the profile.
// Every <input type="password"> in the client carries autoComplete="off".
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLIENT = join(import.meta.dirname, '../../../src/client');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.tsx') ? [join(dir, entry.name)] : [],
  );
}

/** Each JSX <input … /> element's text, with the file it is in. */
function inputElements(): { file: string; element: string }[] {
  return sourceFiles(CLIENT).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/<input\b[\s\S]*?\/>/g)].map((match) => ({
      file: file.slice(CLIENT.length + 1),
      element: match[0],
    })),
  );
}

describe('secret fields', () => {
  it('finds the password fields it checks (sign-in, unlock, passphrase, office, handover)', () => {
    const files = new Set(
      inputElements()
        .filter((i) => i.element.includes('type="password"'))
        .map((i) => i.file),
    );
    for (const expected of [
      'features/access/LockScreen.tsx',
      'features/access/SetPassphraseForm.tsx',
      'features/access/StaffSignInForm.tsx',
      'features/office/OfficeSignIn.tsx',
      'features/office/PasswordChangeForm.tsx',
      'features/referral/SecretField.tsx',
    ])
      expect(files).toContain(expected);
  });

  it('marks every password input autoComplete="off" and nowhere asks to fill or save a password', () => {
    const offenders = inputElements()
      .filter((i) => i.element.includes('type="password"') && !i.element.includes('autoComplete="off"'))
      .map((i) => `${i.file}: ${i.element.replace(/\s+/g, ' ')}`);
    expect(offenders).toEqual([]);
    const asking = sourceFiles(CLIENT).filter((file) =>
      /current-password|new-password|autoComplete="username"/.test(readFileSync(file, 'utf8')),
    );
    expect(asking).toEqual([]);
  });
});
