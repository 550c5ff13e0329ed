// The offline passphrase rule (THREAT-MODEL.md, "Offline unlock"): long enough,
// not a PIN, and — with the lazily loaded estimate — not guessable in fewer than
// 10^12 tries, which a copied profile would otherwise give up to one GPU in days.
import { describe, expect, it } from 'vitest';
import { checkNewPassphrase, checkPassphraseRule, MIN_PASSPHRASE_LENGTH, unlockDelayMs, afterFailedUnlock } from '@domain/unlock-policy';
import { judgePassphrase } from '@domain/password-strength';

describe('checkPassphraseRule', () => {
  it('asks for at least 12 characters, counted as characters a person types', () => {
    expect(MIN_PASSPHRASE_LENGTH).toBe(12);
    expect(checkPassphraseRule('Haus Baum 12')).toBeNull();
    expect(checkPassphraseRule('Haus Baum 1')).toBe('tooShort');
    // "Übergänge 1" is 11 characters, even when typed with combining marks (more UTF-16 units).
    expect(checkPassphraseRule('U\u0308berga\u0308nge 1')).toBe('tooShort');
    expect(checkPassphraseRule('بيت شجرة قمر')).toBeNull();
  });

  it("refuses PINs of any length, in any script's digits, with or without spaces", () => {
    expect(checkPassphraseRule('123456')).toBe('tooShort');
    expect(checkPassphraseRule('017612345678')).toBe('onlyDigits');
    expect(checkPassphraseRule('0176 1234 5678')).toBe('onlyDigits');
    expect(checkPassphraseRule('١٢٣٤٥٦٧٨٩٠١٢')).toBe('onlyDigits');
    expect(checkPassphraseRule('0176 1234 567a')).toBeNull();
  });

  it('checks the repetition after the rule', () => {
    expect(checkNewPassphrase('Haus Baum Kiesel', 'Haus Baum Kiesel')).toBeNull();
    expect(checkNewPassphrase('Haus Baum Kiesel', 'Haus Baum Kiese')).toBe('mismatch');
    expect(checkNewPassphrase('123456', '123456')).toBe('tooShort');
  });
});

describe('judgePassphrase (the lazily loaded estimate)', () => {
  it('refuses passphrases an attacker tries early: one word and digits, keyboard walks, breached ones', () => {
    expect(judgePassphrase('Sonnenblume12').problem).toBe('weak');
    expect(judgePassphrase('1qaz2wsx3edc').problem).toBe('common');
    expect(judgePassphrase('qwertzuiopasdf').problem).toBe('weak');
    expect(judgePassphrase('passwortpasswort').problem).toBe('weak');
    expect(judgePassphrase('123456').problem).toBe('tooShort');
  });

  it("counts the person's own name as known words", () => {
    expect(judgePassphrase('Okonkwo Mariam 7').problem).toBeNull();
    expect(judgePassphrase('Okonkwo Mariam 7', ['Mariam', 'Okonkwo']).problem).toBe('weak');
  });

  it('accepts three or four unrelated words', () => {
    for (const passphrase of ['Kaffee Regen Fahrrad', 'Station drei Fenster', 'Sonnenblume 2026 Station']) {
      const verdict = judgePassphrase(passphrase);
      expect(verdict.problem).toBeNull();
      expect(verdict.guessesLog10).toBeGreaterThanOrEqual(12);
    }
  });
});

describe('throttle', () => {
  it('costs nothing for two wrong attempts, then doubles from 5 s up to 5 min, and wipes at the limit', () => {
    expect([1, 2, 3, 4, 5, 12].map(unlockDelayMs)).toEqual([0, 0, 5_000, 10_000, 20_000, 300_000]);
    expect(afterFailedUnlock(8, 10, 0)).toMatchObject({ kind: 'wrong', remaining: 1 });
    expect(afterFailedUnlock(9, 10, 0)).toEqual({ kind: 'wipe' });
  });
});
