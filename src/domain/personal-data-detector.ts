// Warns when free text looks like it identifies a family (DESIGN.md §3: names,
// addresses, phone numbers, e-mail addresses and exact dates are never stored).
// It only WARNS: the person writing decides. Heuristics, tuned to fieldwork
// notes in German and the families' languages; false alarms must stay rare
// ("8. Lebenswoche", "2 Kinder", "8:15", "Kita Sonnenblume" are fine).
//
// Every pattern is linear: no nested quantifiers over the same characters,
// word starts anchored by look-behinds, so a 10,000-character note is cheap.

export const PERSONAL_DATA_KINDS = ['email', 'phone', 'iban', 'nameAfterSalutation', 'givenName', 'streetAddress', 'birthDate'] as const;
export type PersonalDataKind = (typeof PERSONAL_DATA_KINDS)[number];

/**
 * Given names known beyond the detector's own short list: the shipped list
 * (src/domain/first-names.ts loads it; the tablet only when a form needs it).
 */
export interface DetectorOptions {
  givenNames?: ReadonlySet<string>;
}

/** A suspicious span of the text: `text.slice(start, end)`. */
export interface Finding {
  kind: PersonalDataKind;
  start: number;
  end: number;
}

// --- e-mail -----------------------------------------------------------------
const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

// --- phone ------------------------------------------------------------------
// +49 …, 0049 …, (02841) …, 0171 …: digit runs separated by at most three of
// space, slash, hyphen (each run must follow a separator, so the split is unique).
const PHONE =
  /(?<![\p{L}\p{N}+/.,:])(?:(?:\+|00)\d{1,3}[ \-/]{0,3}(?:\(0\)[ \-/]{0,3})?|\(0\d{1,5}\)[ \-/]{0,3}|(?=0))\d+(?:[ \-/]{1,3}\d+)*/gu;
// A labelled number may omit the area code: "Tel. 12 34 56", "Handy: 1234567".
// After a label, dots may separate the digits too ("Telefon 0151.23456789").
const LABELLED_PHONE =
  /(?<![\p{L}])(?:Tel(?:efon)?|Handy|Mobil|Phone|Rufnummer|WhatsApp|Tél(?:éphone)?|Telefon(?:u|em)?|Тел(?:ефон)?|تلفن|هاتف)\.?:?[ \t]{0,3}(\+?\d+(?:[ \-/.]{1,3}\d+)*)/giu;
const MIN_PHONE_DIGITS = 6;
const MAX_PHONE_DIGITS = 17;

// --- IBAN -------------------------------------------------------------------
// "DE89 3704 0044 0532 0130 00", "DE89370400440532013000": two letters, two check
// digits, then 11–30 letters and digits, in groups of four or in one run; kept
// only if the ISO 7064 check (mod 97) holds, so a form number is no IBAN.
const IBAN = /(?<![\p{L}\p{N}])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?(?![\p{L}\p{N}])/gu;

function ibanChecks(candidate: string): boolean {
  const compact = candidate.replace(/ /gu, '');
  if (compact.length < 15 || compact.length > 34) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const c of rearranged) {
    const value = c >= 'A' && c <= 'Z' ? String(c.charCodeAt(0) - 55) : c;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

// --- dates --------------------------------------------------------------------
// 03.04.2019, 3.4.19, 03/04/2019, 2019-04-03, "3. April 2019". A day and month
// without a year ("am 3.4.") or a week of life ("8. Lebenswoche") is not flagged.
const DAY = '(?:0?[1-9]|[12]\\d|3[01])';
const MONTH = '(?:0?[1-9]|1[0-2])';
const NUMERIC_DATE = new RegExp(
  `(?<![\\p{N}.,/:-])(?:${DAY}\\.[ ]?${MONTH}\\.[ ]?(?:\\d{4}|\\d{2})|${DAY}/${MONTH}/(?:\\d{4}|\\d{2})|\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01]))(?![\\p{N}]|[.,:/-]\\p{N})`,
  'gu',
);
const MONTH_NAMES = [
  'Januar',
  'Jänner',
  'Februar',
  'März',
  'April',
  'Mai',
  'Juni',
  'Juli',
  'August',
  'September',
  'Oktober',
  'November',
  'Dezember',
  'January',
  'February',
  'March',
  'May',
  'June',
  'July',
  'October',
  'December',
  'Jan',
  'Feb',
  'Mär',
  'Mar',
  'Apr',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Sept',
  'Okt',
  'Oct',
  'Nov',
  'Dez',
  'Dec',
].sort((a, b) => b.length - a.length);
const WORD_DATE = new RegExp(`(?<![\\p{N}.])${DAY}\\.?[ ]{1,2}(?:${MONTH_NAMES.join('|')})\\.?[ ]{1,2}(?:19|20)\\d{2}(?!\\p{N})`, 'gu');

// --- street addresses -----------------------------------------------------------
// "Hauptstraße 12", "Bahnhofstr.12a", "Friedrich-Ebert-Allee 3", "Lange Straße 5",
// "Am Rosenweg 3". Group 1: letters glued before the street word ("Haupt").
const STREET =
  /(?<![\p{L}\p{N}-])((?:\p{L}+-)*\p{L}*?)(straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer|chaussee|pfad|steig|wall|graben)[ ]{0,2}(\d{1,4}(?:[ ]?[a-zA-Z])?)(?![\p{L}\p{N}]|[.,:]\p{N}|[ ]?(?:km|m|min|Min|h|Std|Uhr|mal|Mal)\b)/giu;
/** Words before a stand-alone "Weg 2"/"Platz 3" that show it is no street name. */
const NOT_A_STREET_NAME = new Set([
  'der',
  'die',
  'das',
  'den',
  'dem',
  'des',
  'ein',
  'eine',
  'einen',
  'einem',
  'kein',
  'keine',
  'jeder',
  'jede',
  'dieser',
  'diese',
  'diesen',
  'ihr',
  'ihre',
  'sein',
  'seine',
  'unser',
  'unsere',
  'mein',
  'meine',
  'am',
  'auf',
  'im',
  'vom',
  'zum',
  'über',
  'kita',
  'kindergarten',
  'schule',
  'familienzentrum',
]);

// --- names after a salutation ---------------------------------------------------
// A capitalised word in any cased script (Latin incl. Polish/Turkish letters, Cyrillic).
const CASED_NAME = "\\p{Lu}[\\p{Ll}\\p{M}'’]+(?:-\\p{Lu}[\\p{Ll}\\p{M}'’]+)?";
const PARTICLE = '(?:(?:von|van|de|del|della|di|du|le|la|zu|al|el|ten|ter)[ ](?:(?:der|den)[ ])?)?';
const ACADEMIC = '(?:(?:Dr|Prof|Dipl)\\.[ ]?(?:med\\.[ ]?)?)?';
const LATIN_SALUTATIONS = [
  'Herrn?',
  'Frau',
  'Familie',
  'Fam\\.', // German
  'Mr\\.?',
  'Mrs\\.?',
  'Ms\\.?',
  'Miss',
  'Mx\\.?', // English
  'M\\.',
  'Mme\\.?',
  'Mlle\\.?',
  'Madame',
  'Mademoiselle',
  'Monsieur', // French
  '[Pp]an(?:i|ią|em|a|u|ie|owie|stwo|stwa)?', // Polish
  'Bay(?:an)?', // Turkish
].join('|');
const CYRILLIC_SALUTATIONS = [
  '[Гг]осподин(?:а|у|ом|е)?',
  '[Гг]оспож(?:а|и|е|у|ой)',
  '[Гг]-(?:н|жа|же|жи)', // Russian
  '[Пп]ан(?:и|і|а|у|ові|ом|е)?', // Ukrainian and Russian use of пан/пани/пані
  '[Сс]емь(?:я|и|ю|ей)',
  '[Рр]один(?:а|и|у|ою)', // family
].join('|');
const SALUTATION_NAME = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${LATIN_SALUTATIONS}|${CYRILLIC_SALUTATIONS})[ ]{1,2}${ACADEMIC}${PARTICLE}${CASED_NAME}`,
  'gu',
);
// Turkish puts the title after the given name: "Ayşe Hanım", "Mehmet Bey".
const TURKISH_TITLE_AFTER = new RegExp(
  `(?<![\\p{L}\\p{N}])${CASED_NAME}[ ]{1,2}(?:Bey|Hanım|Hanim|Beyefendi|Hanımefendi)(?![\\p{L}])`,
  'gu',
);
// Arabic and Persian have no capitals: the word after the title is taken as the name.
// A leading و/ف/ب/ل ("and", "for" …) may be glued to the title.
const ARABIC_WORD = '[\\p{Script=Arabic}\\u200C]+';
const ARABIC_SALUTATION_NAME = new RegExp(
  `(?<![\\p{L}\\p{N}])[وفبل]?(?:السيدة|السيد|سيدة|عائلة|أسرة|آقای|آقاي|خانم|خانواده)[ \\u00A0]{1,2}(?:(?:دکتر|دكتور|د\\.)[ ]{1,2})?${ARABIC_WORD}`,
  'gu',
);
/** Common nouns that follow "Frau"/"Familie" in ordinary notes ("Familie Anschluss gesucht"). */
const NOT_A_NAME = new Set([
  'Kind',
  'Kinder',
  'Mutter',
  'Vater',
  'Eltern',
  'Hilfe',
  'Unterstützung',
  'Beratung',
  'Sorgen',
  'Kontakt',
  'Interesse',
  'Termin',
  'Bedarf',
  'Zeit',
  'Angebot',
  'Angebote',
  'Kita',
  'Platz',
  'Fragen',
  'Anschluss',
  'Ruhe',
  'Geld',
  'Arbeit',
  'Wohnung',
  'Sprache',
  'Deutsch',
  'Hebamme',
  'Ärztin',
  'Arzt',
  'Doktor',
  'Dolmetscherin',
  'Kulturmittlerin',
  'Bescheid',
  'Lust',
  'Angst',
  'Mut',
  'Thank',
  'The',
  'This',
  'Kitas',
]);

// --- given names without a salutation (walkthrough finding 8) ---------------------
// "Fatima Al-Hassan", "Ayşe Yılmaz, Tochter Elif", "Mutter von Leon (3)": the given
// names most common among the families these notes are about — German, Turkish,
// Arabic, Kurdish, Persian, Polish, Russian, Ukrainian, Romanian, West African and
// Balkan — in Latin, Cyrillic and Arabic script, with a following capitalised word
// taken as the surname. Names that are also ordinary German words or abbreviations
// ("Mai", "Jan", "Nur", "Rose", "Can", "Will") are left out: false alarms teach people
// to ignore the hint. A list cannot be complete; salutations and relations catch more.
const GIVEN_NAMES = new Set(
  [
    // German, most given to children and parents' generation
    'Mia Emma Sophia Sophie Hannah Hanna Emilia Lina Marie Lea Lena Clara Klara Ella Leni Ida Frieda Mathilda Lia Luisa Maria Laura',
    'Anna Johanna Paula Charlotte Greta Lotta Amelie Nele Mila Lara Leonie Julia Sarah Sara Katharina Christina Jennifer Jessica',
    'Sabine Petra Andrea Stefanie Nicole Melanie Sandra Claudia Susanne Kerstin Anja Tanja Daniela Martina Monika Ursula Heike',
    'Noah Leon Paul Elias Finn Felix Ben Henry Emil Luis Luca Liam Jonas Theo Matteo Moritz Anton Jakob Lukas Maximilian David',
    'Julian Alexander Niklas Tim Tom Kevin Michael Thomas Andreas Stefan Christian Daniel Markus Sebastian Tobias Florian Jonathan',
    'Mohammed Muhammad Mohamed Mohammad Ahmed Ahmad Ahmet Mustafa Mehmet Ali Hassan Hasan Hussein Hüseyin Ibrahim İbrahim Omar Ömer',
    'Yusuf Youssef Yousef Khaled Khalid Mahmoud Mahmud Karim Samir Bilal Hamza Emre Murat Kemal Burak Hakan Osman Abdullah Amir Emir',
    'Fatima Fatma Aisha Aischa Ayşe Ayse Zeynep Elif Emine Hatice Merve Yasmin Yasemin Leyla Leila Amina Amira Mariam Maryam Meryem',
    'Hiba Noor Nour Rana Rania Salma Samira Zahra Zehra Zainab Zeinab Esra Büşra Hülya Dilara Derya Deniz Aylin Azra Ecrin Eylül',
    'Reza Mehdi Hossein Ali-Reza Parisa Fereshteh Shirin Nasrin Roya Dilan Rojin Berfin Baran Kawa Zana Rojda',
    'Katarzyna Małgorzata Agnieszka Magdalena Joanna Zofia Maja Piotr Krzysztof Tomasz Jakub Kacper Szymon Wojciech Paweł',
    'Olga Natalia Natalja Irina Svetlana Swetlana Tatjana Tatiana Oksana Olena Iryna Yulia Julija Daria Darja Sofia Anastasia',
    'Viktoria Wiktoria Ekaterina Jekaterina Dmitri Dmytro Sergei Serhij Andrij Oleksandr Ivan Iwan Mykola Wladimir Volodymyr',
    'Ionela Ioana Elena Andreea Mihaela Gheorghe Ion Vasile Florin Adrian Aminata Fatoumata Mariama Mamadou Ibrahima Moussa',
    'Emina Amra Lejla Adnan Emir Edin Jelena Milica Dragan Zoran Bekim Arben Blerina Valentina Sebastijan',
    // Cyrillic
    'Ольга Наталья Наталія Ирина Ірина Светлана Татьяна Оксана Олена Юлия Юлія Дарья Дар’я Анастасия Анастасія Анна Мария Марія',
    'Софья Софія Екатерина Катерина Иван Іван Дмитрий Дмитро Сергей Сергій Андрей Андрій Александр Олександр Николай Микола',
    'Владимир Володимир Алексей Олексій Михаил Михайло',
  ]
    .join(' ')
    .split(' '),
);
/** Arabic-script given names (Arabic, Persian, Kurdish Sorani, Dari), matched as whole words; no capitals mark a surname. */
const ARABIC_GIVEN_NAMES = [
  'محمد',
  'أحمد',
  'احمد',
  'مصطفى',
  'يوسف',
  'عمر',
  'علي',
  'حسن',
  'حسين',
  'إبراهيم',
  'ابراهيم',
  'خالد',
  'محمود',
  'فاطمة',
  'فاطمه',
  'عائشة',
  'مريم',
  'زينب',
  'آمنة',
  'أمينة',
  'ياسمين',
  'ليلى',
  'سلمى',
  'زهرا',
  'زهراء',
  'رضا',
  'مهدی',
  'مهدي',
  'حسین',
  'علی',
  'شیرین',
  'نسرین',
];
const GIVEN_NAME_PARTICLE = '(?:(?:al|el|bin|ibn|ben|abu|Abu|Al|El)[-‑ ])?';
// A capitalised word, then an optional surname: another capitalised word (possibly with a particle).
const CAPITALISED_WORDS = new RegExp(`(?<![\\p{L}\\p{N}])(${CASED_NAME})(?:[ ]${GIVEN_NAME_PARTICLE}${CASED_NAME})?`, 'gu');
const SAINT_BEFORE = /(?:St\.|Sankt|Santa|San)[ ]$/u;
const ARABIC_GIVEN_NAME = new RegExp(`(?<![\\p{L}\\p{N}])[وفبل]?(?:${ARABIC_GIVEN_NAMES.join('|')})(?![\\p{L}\\p{N}])`, 'gu');
// A relation, then a name the list may not know: "Mutter von Leon", "Sohn namens Tim",
// "Tochter Elif (3)". Without "von"/"namens" the word must be followed by an age, since
// German nouns are capitalised too ("Vater Schichtarbeit" is no name).
const RELATIONS =
  '(?:Mutter|Vater|Tochter|Sohn|Kind|Baby|Säugling|Bruder|Schwester|Oma|Opa|Großmutter|Großvater|Tante|Onkel|Ehemann|Ehefrau|Partnerin|Partner)';
const RELATION_NAME = new RegExp(
  `(?<![\\p{L}\\p{N}])${RELATIONS}[ ](?:(?:von|namens|heißt)[ ](${CASED_NAME})|(${CASED_NAME})(?=[ ]?\\([ ]?\\d{1,2}[ ]?(?:J\\.?|Jahre|Mon\\.?|Monate)?[ ]?\\)|,[ ]\\d{1,2}[ ]?(?:J\\.|Jahre)))`,
  'gu',
);

function nameAfterSalutationIsOrdinaryWord(match: string): boolean {
  const words = match.split(/[ ]+/u);
  const last = (words[words.length - 1] ?? '').replace(/[.]$/u, '');
  return NOT_A_NAME.has(last);
}

function* matches(pattern: RegExp, text: string): Generator<RegExpExecArray> {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    yield m;
    if (m[0] === '') pattern.lastIndex++;
  }
}

function countDigits(value: string): number {
  let n = 0;
  for (const c of value) if (c >= '0' && c <= '9') n++;
  return n;
}

function detectAll(text: string, options: DetectorOptions): Finding[] {
  const shipped = options.givenNames;
  const isGivenName = (word: string): boolean => GIVEN_NAMES.has(word) || (shipped?.has(word) ?? false);
  const found: Finding[] = [];
  const add = (kind: PersonalDataKind, start: number, end: number): void => {
    found.push({ kind, start, end });
  };

  for (const m of matches(EMAIL, text)) add('email', m.index, m.index + m[0].length);
  for (const m of matches(IBAN, text)) if (ibanChecks(m[0])) add('iban', m.index, m.index + m[0].length);

  for (const m of matches(PHONE, text)) {
    const digits = countDigits(m[0].replace('(0)', ''));
    if (digits >= MIN_PHONE_DIGITS && digits <= MAX_PHONE_DIGITS) add('phone', m.index, m.index + m[0].length);
  }
  for (const m of matches(LABELLED_PHONE, text)) {
    const number = m[1] ?? '';
    const digits = countDigits(number);
    if (digits >= 5 && digits <= MAX_PHONE_DIGITS) add('phone', m.index + m[0].length - number.length, m.index + m[0].length);
  }

  for (const m of matches(NUMERIC_DATE, text)) add('birthDate', m.index, m.index + m[0].length);
  for (const m of matches(WORD_DATE, text)) add('birthDate', m.index, m.index + m[0].length);

  for (const m of matches(STREET, text)) {
    const glued = m[1] ?? '';
    const streetWord = m[2] ?? '';
    const isStrasse = /^str/iu.test(streetWord);
    if (glued !== '') {
      // "Rosenweg 3" / "Hauptstr. 5": a capitalised compound (or any compound of Straße).
      const capitalised = /^\p{Lu}/u.test(glued);
      if (capitalised || isStrasse) add('streetAddress', m.index, m.index + m[0].length);
      continue;
    }
    // A stand-alone "Straße 5" / "Weg 3" needs a capitalised name word before it:
    // "Lange Straße 5", "Am Weg 3" is too vague, "Der Weg 2" is none.
    if (!/^\p{Lu}/u.test(streetWord)) continue;
    const before = /(\p{Lu}[\p{Ll}\p{M}-]*\.?)[ ]$/u.exec(text.slice(Math.max(0, m.index - 40), m.index));
    const word = before?.[1];
    if (word === undefined || NOT_A_STREET_NAME.has(word.toLowerCase())) continue;
    add('streetAddress', m.index - word.length - 1, m.index + m[0].length);
  }

  for (const m of matches(SALUTATION_NAME, text)) {
    if (!nameAfterSalutationIsOrdinaryWord(m[0])) add('nameAfterSalutation', m.index, m.index + m[0].length);
  }
  for (const m of matches(TURKISH_TITLE_AFTER, text)) add('nameAfterSalutation', m.index, m.index + m[0].length);
  for (const m of matches(ARABIC_SALUTATION_NAME, text)) add('nameAfterSalutation', m.index, m.index + m[0].length);

  for (const m of matches(CAPITALISED_WORDS, text)) {
    const first = m[1] ?? '';
    if (!isGivenName(first) || SAINT_BEFORE.test(text.slice(Math.max(0, m.index - 7), m.index))) {
      // The word after a non-name may itself be a given name ("Gespräch Fatima Al-Hassan").
      CAPITALISED_WORDS.lastIndex = m.index + first.length;
      continue;
    }
    // "Elif Kita": a surname that is an ordinary word is no surname.
    const rest = m[0].slice(first.length).trim();
    const end = rest !== '' && NOT_A_NAME.has(rest.replace(/^\S+[-‑ ]/u, '')) ? m.index + first.length : m.index + m[0].length;
    add('givenName', m.index, end);
  }
  for (const m of matches(ARABIC_GIVEN_NAME, text)) add('givenName', m.index, m.index + m[0].length);
  for (const m of matches(RELATION_NAME, text)) {
    const name = m[1] ?? m[2] ?? '';
    if (!NOT_A_NAME.has(name)) add('givenName', m.index, m.index + m[0].length);
  }
  return found;
}

/** When findings overlap, the more specific kind wins (an e-mail beats the digits in it, 03/04/2019 is a date). */
const PRIORITY: Readonly<Record<PersonalDataKind, number>> = {
  email: 0,
  iban: 1,
  birthDate: 2,
  phone: 3,
  streetAddress: 4,
  nameAfterSalutation: 5,
  givenName: 6,
};

/** Spans in `text` that look like personal data, in text order, not overlapping. */
export function detectPersonalData(text: string, options: DetectorOptions = {}): Finding[] {
  const candidates = detectAll(text, options).sort((a, b) => PRIORITY[a.kind] - PRIORITY[b.kind] || a.start - b.start || b.end - a.end);
  const kept: Finding[] = [];
  for (const candidate of candidates) {
    if (kept.some((k) => candidate.start < k.end && k.start < candidate.end)) continue;
    kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start);
}
