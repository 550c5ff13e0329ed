// What the printed Sachbericht and the charts write: month labels that fit,
// bar labels in two lines instead of cut off, page counters, and a
// municipality name that cannot break out of its CSS string.
import { describe, expect, it } from 'vitest';
import { dayLabel, monthLabel } from '../../../../src/client/features/reports/month-label';
import { labelLines } from '../../../../src/client/features/reports/charts';
import { cssString, pageCounterContent, sachberichtPageCss } from '../../../../src/client/features/reports/SachberichtPageStyle';

describe('report labels and the printed page', () => {
  it('names months short and localised, the axis month as in the full label', () => {
    expect(monthLabel('2026-10', 'de')).toEqual({ full: 'Okt. 2026', month: 'Okt.', year: '2026' });
    expect(monthLabel('2026-03', 'de').month).toBe('März');
    expect(monthLabel('2026-09', 'de').full).toBe('Sept. 2026');
    expect(monthLabel('2026-10', 'en').full).toBe('Oct 2026');
    expect(dayLabel('2026-07-01', 'de')).toBe('01.07.2026');
  });

  it('breaks a long bar label between words into at most two lines', () => {
    expect(labelLines('Kontakt zu einem Angebot angebahnt', 27)).toEqual(['Kontakt zu einem Angebot', 'angebahnt']);
    expect(labelLines('Kita Sonnenblume', 27)).toEqual(['Kita Sonnenblume']);
    const long = labelLines('eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn', 20);
    expect(long).toHaveLength(2);
    expect(long[1]?.endsWith('…')).toBe(true);
  });

  it('numbers the pages and keeps a configured name inside its CSS string', () => {
    expect(pageCounterContent('Seite {{page}} von {{pages}}')).toBe('"Seite " counter(page) " von " counter(pages)');
    expect(cssString('Stadt "X"; } body { display: none \\ ')).toBe('"Stadt \\"X\\"; } body { display: none \\\\ "');
    expect(cssString('a\nb')).toBe('"a b"');
    expect(sachberichtPageCss('Sachbericht Demo', 'Seite {{page}} von {{pages}}')).toContain('size: A4 portrait');
  });
});
