// The free-text warning: what a fieldworker might type that identifies a family
// is found (with its span), in every family language and script; ordinary
// fieldwork notes stay quiet; hostile long input does not hang the form.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { detectPersonalData, type PersonalDataKind } from '@domain/personal-data-detector';

/** The flagged pieces of text with their kinds. */
function flagged(text: string): [PersonalDataKind, string][] {
  return detectPersonalData(text).map((f) => [f.kind, text.slice(f.start, f.end)]);
}

describe('detectPersonalData: German', () => {
  it.each([
    ['Gespräch mit Frau Müller im Foyer', 'Frau Müller'],
    ['Herr Özdemir holt die Kinder ab', 'Herr Özdemir'],
    ['Termin mit Herrn Schmidt-Weber vereinbart', 'Herrn Schmidt-Weber'],
    ['Familie Yılmaz war da', 'Familie Yılmaz'],
    ['Fam. Nowak braucht einen Kita-Platz', 'Fam. Nowak'],
    ['Frau Dr. Berger (Kinderärztin) informiert', 'Frau Dr. Berger'],
    ['Frau von der Heide kam allein', 'Frau von der Heide'],
  ])('finds the name in %j', (text, name) => {
    expect(flagged(text)).toEqual([['nameAfterSalutation', name]]);
  });

  it.each([
    ['wohnt Hauptstraße 12 im 2. Stock', 'Hauptstraße 12'],
    ['Adresse: Bahnhofstr. 5a', 'Bahnhofstr. 5a'],
    ['Bahnhofstr.12', 'Bahnhofstr.12'],
    ['Hauptstrasse 7', 'Hauptstrasse 7'],
    ['Am Rosenweg 3 in Moers', 'Rosenweg 3'],
    ['Friedrich-Ebert-Allee 104', 'Friedrich-Ebert-Allee 104'],
    ['Kirchplatz 1', 'Kirchplatz 1'],
    ['Lange Gasse 9', 'Lange Gasse 9'],
    ['Lange Straße 5, 2. OG', 'Lange Straße 5'],
  ])('finds the street address in %j', (text, address) => {
    expect(flagged(text)).toEqual([['streetAddress', address]]);
  });

  it.each([
    ['geboren am 03.04.2019', '03.04.2019'],
    ['geb. 3.4.19', '3.4.19'],
    ['Geburtstag: 3. 4. 2019', '3. 4. 2019'],
    ['Geburt 2019-04-03', '2019-04-03'],
    ['born 03/04/2019', '03/04/2019'],
    ['geboren am 3. April 2019', '3. April 2019'],
  ])('finds the exact date in %j', (text, date) => {
    expect(flagged(text)).toEqual([['birthDate', date]]);
  });

  it.each([
    ['Handy 0171 1234567', '0171 1234567'],
    ['ruft an unter +49 171 123 45 67', '+49 171 123 45 67'],
    ['Tel. 02841/201-0 (Zentrale)', '02841/201-0'],
    ['0049 2841 201 555', '0049 2841 201 555'],
    ['(02841) 12 34 56', '(02841) 12 34 56'],
    ['+49 (0) 2841 12345', '+49 (0) 2841 12345'],
    ['Telefon: 12 34 56', '12 34 56'],
  ])('finds the phone number in %j', (text, phone) => {
    expect(flagged(text)).toEqual([['phone', phone]]);
  });

  it('finds e-mail addresses, including non-ASCII ones', () => {
    expect(flagged('Mail an max.mustermann+kita@example.org schicken')).toEqual([['email', 'max.mustermann+kita@example.org']]);
    expect(flagged('jürgen@müller-familie.de')).toEqual([['email', 'jürgen@müller-familie.de']]);
  });

  it('reports several findings in text order with exact spans', () => {
    const text = 'Frau Müller, Hauptstraße 12, Tel. 0171 1234567, geb. 03.04.2019, mueller@example.de';
    const findings = detectPersonalData(text);
    expect(findings.map((f) => f.kind)).toEqual(['nameAfterSalutation', 'streetAddress', 'phone', 'birthDate', 'email']);
    expect(findings[0]).toEqual({ kind: 'nameAfterSalutation', start: 0, end: 11 });
    for (const f of findings) expect(f.start).toBeLessThan(f.end);
  });
});

describe('detectPersonalData: the families’ other languages', () => {
  it.each([
    // English
    ['Talked to Mrs. Johnson about the Kita', 'Mrs. Johnson'],
    ['Mr Brown will call back', 'Mr Brown'],
    ['Ms Okafor attended with the baby', 'Ms Okafor'],
    // French
    ['Entretien avec Mme Dubois', 'Mme Dubois'],
    ['M. Diallo est venu', 'M. Diallo'],
    ['Madame Benali a des questions', 'Madame Benali'],
    ['Monsieur Traoré viendra', 'Monsieur Traoré'],
    // Polish
    ['Rozmowa z Panią Kowalską', 'Panią Kowalską'],
    ['Pan Wiśniewski przyszedł', 'Pan Wiśniewski'],
    ['pani Nowak ma pytania', 'pani Nowak'],
    // Turkish
    ['Bayan Demir geldi', 'Bayan Demir'],
    ['Bay Öztürk aradı', 'Bay Öztürk'],
    ['Ayşe Hanım ile konuştuk', 'Ayşe Hanım'],
    ['Mehmet Bey yarın gelecek', 'Mehmet Bey'],
    // Russian
    ['Разговор с господином Ивановым', 'господином Ивановым'],
    ['Госпожа Петрова пришла с ребёнком', 'Госпожа Петрова'],
    ['пани Ковальская спрашивала про садик', 'пани Ковальская'],
    ['г-н Смирнов позвонит', 'г-н Смирнов'],
    // Ukrainian
    ['Пані Коваленко прийшла', 'Пані Коваленко'],
    ['пан Шевченко дзвонив', 'пан Шевченко'],
    // Arabic (right-to-left, no capitals)
    ['تحدثنا مع السيدة فاطمة عن الروضة', 'السيدة فاطمة'],
    ['السيد أحمد سيتصل غدا', 'السيد أحمد'],
    ['والسيد محمد حضر', 'والسيد محمد'],
    // Persian (with the zero-width non-joiner inside names)
    ['با آقای رضایی صحبت کردیم', 'آقای رضایی'],
    ['خانم احمدی\u200Cنژاد آمد', 'خانم احمدی\u200Cنژاد'],
  ])('finds the name in %j', (text, name) => {
    expect(flagged(text)).toEqual([['nameAfterSalutation', name]]);
  });

  it('finds phone numbers and dates written in other languages', () => {
    expect(flagged('Téléphone : 06 12 34 56 78')).toEqual([['phone', '06 12 34 56 78']]);
    expect(flagged('Телефон +7 912 345-67-89')).toEqual([['phone', '+7 912 345-67-89']]);
    expect(flagged('doğum tarihi 03.04.2019')).toEqual([['birthDate', '03.04.2019']]);
    expect(flagged('هاتف 0176 9876543')).toEqual([['phone', '0176 9876543']]);
  });
});

describe('detectPersonalData: given names without a salutation (walkthrough finding 8)', () => {
  it.each([
    // The walkthrough's three notes that saved without a warning.
    ['Fatima Al-Hassan kommt wieder', ['Fatima Al-Hassan']],
    ['Ayşe Yılmaz, Tochter Elif', ['Ayşe Yılmaz', 'Elif']],
    ['Mutter von Leon (3) fragt nach Kita', ['Mutter von Leon']],
    ['Gespräch Fatima al-Hassan im Foyer', ['Fatima al-Hassan']],
    ['Sohn namens Timur war dabei', ['Sohn namens Timur']],
    ['Tochter Nilufar (2 J.) schläft schlecht', ['Tochter Nilufar']],
    ['Olena und Dmytro kommen aus Kyjiw', ['Olena', 'Dmytro']],
    ['Пришла Оксана с сыном', ['Оксана']],
    ['جاءت فاطمة مع الطفل', ['فاطمة']],
    ['Elif Kita-Platz gesucht', ['Elif']],
  ])('finds the name in %j', (text, names) => {
    expect(flagged(text)).toEqual(names.map((name) => ['givenName', name]));
  });

  it.each([
    'Familienzentrum St. Anna, Elterncafé',
    'Vater Schichtarbeit, Mutter Elternzeit',
    'Im Mai kommt die Hebamme wieder, nur dienstags',
    'Mutter von drei Kindern, Kind (3) in der Kita',
    'Sohn Kita-Eingewöhnung begonnen',
  ])('stays quiet on %j', (text) => {
    expect(flagged(text)).toEqual([]);
  });
});

describe('detectPersonalData: ordinary fieldwork notes stay quiet', () => {
  it.each([
    'Mutter in der 8. Lebenswoche des Kindes, Stillberatung gewünscht',
    '2 Kinder, das jüngere ist 3 Monate alt',
    'Treffen um 8:15 im Foyer, Abholung 14:30',
    'Kita Sonnenblume, Familienzentrum Nord',
    'Frau wirkt erschöpft, Familie sucht Anschluss',
    'Familie Hilfe bei der Kita-Anmeldung angeboten',
    'Mit der Frau Termin für nächste Woche vereinbart',
    'Der Weg 2 mal gemeinsam geübt, Weg zur Kita 3 km',
    'Vater fragt nach Elterncafé am 3.4., Babyclub dienstags',
    'Frühe Hilfen 0–3 Jahre, Gruppe für 0-3-Jährige',
    'Gewicht 3,4 kg, Größe 51 cm, 10 Minuten Gespräch',
    'Stadtteil Meerbeck, Sozialraum 4, Förderung seit 2019',
    'Anmeldung für das Kitajahr 2026/27 besprochen',
    'Version 1.2.3 der App; Raum 0.12',
    'Mother asked about the Kita, the midwife will visit',
    'La mère a des questions sur la crèche',
    'Мама спрашивала про детский сад',
    'الأم لديها أسئلة حول الروضة',
    'مادر درباره مهدکودک سوال داشت',
    'Anne kreş hakkında soru sordu',
    'Matka pyta o przedszkole',
    'Fallnummer MO-7KQ3-M9XD-2FTR-AZ',
  ])('%j', (text) => {
    expect(flagged(text)).toEqual([]);
  });
});

describe('detectPersonalData: robustness', () => {
  it('handles 10,000-character inputs built to provoke backtracking', () => {
    const hostile = [
      'a'.repeat(10_000),
      'a-'.repeat(5_000),
      '0 '.repeat(5_000),
      '0'.repeat(10_000),
      '1.'.repeat(5_000),
      'Frau '.repeat(2_000),
      'Hauptstraße'.repeat(900),
      'x@'.repeat(5_000),
      'a.'.repeat(5_000) + '@',
      'السيد '.repeat(1_600),
      `${'Müller-'.repeat(1_400)}Allee`,
    ];
    for (const text of hostile) {
      expect(text.length).toBeGreaterThanOrEqual(9_000);
      const findings = detectPersonalData(text);
      for (const f of findings) {
        expect(f.start).toBeGreaterThanOrEqual(0);
        expect(f.end).toBeLessThanOrEqual(text.length);
      }
    }
    expect(detectPersonalData('0'.repeat(10_000))).toEqual([]); // too many digits for a phone number
    expect(detectPersonalData('a'.repeat(10_000))).toEqual([]);
  });

  it('returns in-bounds, ordered, non-overlapping spans for any text', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('Frau ', 'Müller', ' ', '0', '1', '.', '-', '/', '@', 'a', 'straße ', '+49', 'السيد', '\n'),
          maxLength: 60,
        }),
        (text) => {
          const findings = detectPersonalData(text);
          let previousEnd = 0;
          for (const f of findings) {
            expect(f.start).toBeGreaterThanOrEqual(previousEnd);
            expect(f.end).toBeGreaterThan(f.start);
            expect(f.end).toBeLessThanOrEqual(text.length);
            previousEnd = f.end;
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('detectPersonalData: IBANs and international phone numbers (issue 16)', () => {
  it.each([
    ['Kindergeld auf DE89 3704 0044 0532 0130 00', 'DE89 3704 0044 0532 0130 00'],
    ['Konto DE89370400440532013000 für die Erstattung', 'DE89370400440532013000'],
    ['IBAN: DE44 5001 0517 5407 3249 31', 'DE44 5001 0517 5407 3249 31'],
  ])('finds the IBAN in %j', (text, iban) => {
    expect(flagged(text)).toEqual([['iban', iban]]);
  });

  it('leaves a string that fails the IBAN check alone', () => {
    expect(flagged('Formular DE12 3456 7890 1234 5678 90')).not.toContainEqual(['iban', expect.any(String)]);
  });

  it.each([
    ['Tante in der Türkei: +90 532 123 45 67', '+90 532 123 45 67'],
    ['WhatsApp +963 944 123 456', '+963 944 123 456'],
    ['ukrainische Nummer +380 67 123 4567', '+380 67 123 4567'],
    ['Schwester +44 7700 900123', '+44 7700 900123'],
    ['Telefon 0151.23456789', '0151.23456789'],
    ['Rufnummer 0203 4567890', '0203 4567890'],
  ])('finds the phone number in %j', (text, phone) => {
    expect(flagged(text)).toEqual([['phone', phone]]);
  });
});
