// The admin's text fields for the emergency instruction: one number per line in
// the order the tablet shows them, and a clear, line-numbered reason for bad input.
import { describe, expect, it } from 'vitest';
import { emergencyFromText, emergencyToText } from '@client/features/office/emergency-settings-form';

const base = { title: '', intro: '', discreet: false, discreetTitle: '', contacts: '' };

describe('emergency settings form', () => {
  it('keeps the order of the lines: the first is the first button', () => {
    const result = emergencyFromText({ ...base, discreet: true, contacts: 'ASD-Rufbereitschaft | 0211 899-0\n\n Polizei | 110 ' });
    expect(result).toEqual({
      ok: true,
      value: {
        title: null,
        intro: null,
        discreet: true,
        discreetTitle: null,
        contacts: [
          { label: 'ASD-Rufbereitschaft', phone: '0211 899-0' },
          { label: 'Polizei', phone: '110' },
        ],
      },
    });
    if (result.ok) expect(emergencyFromText(emergencyToText(result.value))).toEqual(result);
  });

  it('names the line that is wrong', () => {
    expect(emergencyFromText({ ...base, contacts: 'Polizei | 110\nASD 0211 1234' })).toEqual({
      ok: false,
      error: { field: 'contacts', key: 'lineFormat', line: 2 },
    });
    expect(emergencyFromText({ ...base, contacts: 'Polizei | 110\nASD | 0211/1234' })).toEqual({
      ok: false,
      error: { field: 'contacts', key: 'invalidPhone', line: 2 },
    });
    expect(emergencyFromText({ ...base, contacts: `${'x'.repeat(81)} | 110` })).toEqual({
      ok: false,
      error: { field: 'contacts', key: 'labelTooLong', line: 1 },
    });
  });

  it('needs a number and bounds the texts', () => {
    expect(emergencyFromText({ ...base, contacts: '  \n' })).toEqual({ ok: false, error: { field: 'contacts', key: 'atLeastOneNumber' } });
    expect(emergencyFromText({ ...base, contacts: 'A | 110\nA | 112' })).toEqual({
      ok: false,
      error: { field: 'contacts', key: 'duplicateItem' },
    });
    expect(emergencyFromText({ ...base, title: 'x'.repeat(121), contacts: 'A | 110' })).toEqual({
      ok: false,
      error: { field: 'title', key: 'tooLong', max: 120 },
    });
  });
});
