// @vitest-environment jsdom
// The family's card in the family's language (German; Arabic right-to-left;
// English while the staff UI is German), the case number lookup that refuses a
// typo, and the free-text hint.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { encode } from 'uqr';
import { initI18n } from '@client/i18n';
import { FamilyCard } from '@client/features/family-card/FamilyCard';
import { PersonalDataHint } from '@client/forms/PersonalDataHint';
import { CaseNumberInput } from '@client/features/case-lookup/CaseNumberInput';
import { checkSymbolFor, formatCaseNumber } from '@domain/case-number';
import de from '../../../../../locales/de/family.json';
import en from '../../../../../locales/en/family.json';
import ar from '../../../../../locales/ar/family.json';
import staff from '../../../../../locales/de/cases.json';

const DATA = '7KQ3M9XD2FTRA';
const CASE_NUMBER = formatCaseNumber(DATA + checkSymbolFor(DATA), 'MO'); // MO-7KQ3-M9XD-2FTR-AR
const CONTACT = 'Stadt Moers, Frühe Hilfen, 02841 201-0';

function renderCard(language: string) {
  render(<FamilyCard caseNumber={CASE_NUMBER} issuedOn="2026-11-20" language={language} municipalityContact={CONTACT} />);
  return screen.getByTestId('family-card');
}

/** Dark modules drawn by the SVG path: the sum of its horizontal runs. */
function darkModulesDrawn(svg: Element): number {
  const d = svg.querySelector('path')?.getAttribute('d') ?? '';
  return [...d.matchAll(/h(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}

beforeAll(async () => {
  await initI18n('de');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('FamilyCard', () => {
  it('shows the case number as grouped text and as a QR code, in German', () => {
    const card = renderCard('de');
    expect(card.getAttribute('lang')).toBe('de');
    expect(card.getAttribute('dir')).toBe('ltr');
    expect(within(card).getByRole('heading', { name: de.card.title })).toBeTruthy();
    expect(within(card).getByTestId('family-card-number').textContent).toBe(CASE_NUMBER);
    expect(within(card).getByText(de.card.explanation)).toBeTruthy();
    expect(within(card).getByText(CONTACT)).toBeTruthy();
    expect(within(card).getByText('20. November 2026').closest('time')?.getAttribute('datetime')).toBe('2026-11-20');

    const qr = within(card).getByRole('img', { name: de.card.qrLabel });
    expect(qr.tagName.toLowerCase()).toBe('svg');
    const expected = encode(CASE_NUMBER, { ecc: 'M', border: 4 });
    const dark = expected.data.flat().filter(Boolean).length;
    expect(dark).toBeGreaterThan(100);
    expect(darkModulesDrawn(qr)).toBe(dark);
    expect(qr.getAttribute('viewBox')).toBe(`0 0 ${expected.size} ${expected.size}`);
  });

  it('names no contact while the office has set none, and tells staff beside the card, not on it', () => {
    render(<FamilyCard caseNumber={CASE_NUMBER} issuedOn="2026-11-20" language="de" municipalityContact={null} />);
    const card = screen.getByTestId('family-card');
    expect(within(card).queryByText(de.card.contact)).toBeNull();
    const staffHint = screen.getByTestId('family-card-no-contact');
    expect(staffHint.textContent).toBe(staff.cardActions.noContact);
    expect(card.contains(staffHint)).toBe(false);
  });

  it('is right-to-left in Arabic, with Arabic texts and the number kept left-to-right', async () => {
    const card = renderCard('ar');
    expect(await within(card).findByRole('heading', { name: ar.card.title })).toBeTruthy();
    expect(card.getAttribute('lang')).toBe('ar');
    expect(card.getAttribute('dir')).toBe('rtl');
    const number = within(card).getByTestId('family-card-number');
    expect(number.textContent).toBe(CASE_NUMBER);
    expect(number.tagName.toLowerCase()).toBe('bdi');
    expect(number.closest('[dir]')?.getAttribute('dir')).toBe('ltr');
    expect(within(card).getByText(ar.card.explanation)).toBeTruthy();
    const qr = within(card).getByRole('img', { name: ar.card.qrLabel });
    expect(darkModulesDrawn(qr)).toBeGreaterThan(100);
  });

  it('speaks the family’s language while the staff UI stays German', async () => {
    const card = renderCard('en');
    expect(await within(card).findByRole('heading', { name: en.card.title })).toBeTruthy();
    expect(within(card).getByText(en.card.useIt)).toBeTruthy();
    expect(within(card).getByText('November 20, 2026')).toBeTruthy();
    // The print button is for the staff member.
    expect(screen.getByRole('button', { name: staff.cardActions.print })).toBeTruthy();
  });

  it('prints with the browser’s print dialog', () => {
    const print = vi.fn();
    vi.stubGlobal('print', print);
    renderCard('de');
    fireEvent.click(screen.getByRole('button', { name: staff.cardActions.print }));
    expect(print).toHaveBeenCalledTimes(1);
  });
});

describe('CaseNumberInput', () => {
  const typo = CASE_NUMBER.replace('M9XD', 'M9YD'); // one symbol off

  it('refuses a one-symbol typo with the right message and accepts the corrected number', () => {
    const found: string[] = [];
    render(<CaseNumberInput onFound={(n) => found.push(n)} />);
    const input = screen.getByRole('textbox', { name: staff.lookup.label });

    fireEvent.change(input, { target: { value: typo } });
    fireEvent.click(screen.getByRole('button', { name: staff.lookup.submit }));
    expect(screen.getByText(staff.lookup.errors.wrongCheck)).toBeTruthy();
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(found).toEqual([]);

    // Typed the way people type: lower case, spaces instead of hyphens, Enter.
    fireEvent.change(input, { target: { value: 'mo 7kq3 m9xd 2ftr ar' } });
    expect(screen.queryByText(staff.lookup.errors.wrongCheck)).toBeNull();
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(found).toEqual([CASE_NUMBER]);
    expect((input as HTMLInputElement).value).toBe(CASE_NUMBER);
    expect(input.getAttribute('aria-invalid')).toBeNull();
  });

  it('names the other problems', () => {
    render(<CaseNumberInput onFound={() => undefined} />);
    const input = screen.getByRole('textbox', { name: staff.lookup.label });
    const cases: [string, string][] = [
      ['', staff.lookup.errors.empty],
      [CASE_NUMBER.slice(0, -2), staff.lookup.errors.wrongLength],
      [`${CASE_NUMBER}#`, staff.lookup.errors.invalidCharacter],
      [`M1${CASE_NUMBER.slice(2)}`, staff.lookup.errors.invalidPrefix],
    ];
    for (const [value, message] of cases) {
      fireEvent.change(input, { target: { value } });
      fireEvent.click(screen.getByRole('button', { name: staff.lookup.submit }));
      expect(screen.getByText(message), value).toBeTruthy();
    }
  });

  it('offers no scan button where the browser cannot read QR codes', () => {
    render(<CaseNumberInput onFound={() => undefined} />);
    expect(screen.queryByRole('button', { name: staff.lookup.scan })).toBeNull();
  });

  it('scans the card’s QR code with BarcodeDetector and releases the camera', async () => {
    const stopTrack = vi.fn();
    const reads = ['https://example.org/not-a-case', CASE_NUMBER];
    class FakeBarcodeDetector {
      static getSupportedFormats() {
        return Promise.resolve(['qr_code', 'ean_13']);
      }
      detect() {
        const rawValue = reads.shift();
        return Promise.resolve(rawValue === undefined ? [] : [{ rawValue, format: 'qr_code' }]);
      }
    }
    vi.stubGlobal('BarcodeDetector', FakeBarcodeDetector);
    const getUserMedia = vi.fn(() => Promise.resolve({ getTracks: () => [{ stop: stopTrack }] }));
    Object.defineProperty(navigator, 'mediaDevices', { value: { getUserMedia }, configurable: true });
    vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
    // jsdom's video has no srcObject; a plain property is enough here.
    Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', { value: null, writable: true, configurable: true });

    const found: string[] = [];
    render(<CaseNumberInput onFound={(n) => found.push(n)} />);
    fireEvent.click(screen.getByRole('button', { name: staff.lookup.scan }));

    await waitFor(
      () => {
        expect(found).toEqual([CASE_NUMBER]);
      },
      { timeout: 3000 },
    );
    expect(getUserMedia).toHaveBeenCalledWith({ video: { facingMode: 'environment' }, audio: false });
    expect(stopTrack).toHaveBeenCalled();
    expect(screen.getByRole('button', { name: staff.lookup.scan })).toBeTruthy(); // back to idle
    Reflect.deleteProperty(navigator, 'mediaDevices');
    Reflect.deleteProperty(HTMLMediaElement.prototype, 'srcObject');
  });
});

describe('PersonalDataHint', () => {
  it('stays empty for clean text and warns politely, translated, when text looks personal', () => {
    const { rerender } = render(<PersonalDataHint text="Mutter in der 8. Lebenswoche, 2 Kinder, Kita Sonnenblume" />);
    const region = screen.getByRole('status');
    expect(region.textContent).toBe('');

    rerender(<PersonalDataHint text="Frau Müller, Tel. 0171 1234567" />);
    expect(region.textContent).toContain(staff.personalData.title);
    const items = within(region)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(items).toEqual([
      `${staff.personalData.kind.nameAfterSalutation}: „Frau Müller“`,
      `${staff.personalData.kind.phone}: „0171 1234567“`,
    ]);
  });
});
