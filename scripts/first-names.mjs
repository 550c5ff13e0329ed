#!/usr/bin/env node
// Builds src/domain/given-names/first-names.json, the given names the personal-data
// detector knows beyond its own short list, from the Berlin register offices'
// first names of newborns 2012–2023 (src/domain/given-names/README.md: source, licence).
//
//   node scripts/first-names.mjs <haeufige-vornamen-berlin checkout> <German word list, one word a line>
//
// Kept: names given at least MIN_COUNT times in those twelve years, written as one
// capitalised word (or two joined by a hyphen), at least three letters long. Left out:
// names that are also an ordinary German word written in lower case ("Nur", "Per",
// "Ernst"), since a sentence may start with one, and the capitalised nouns and places
// in EXCLUDED ("Rose", "Engel", "Wolke", "Mai"): a refusal for "Rose im Garten" would
// teach people to fight the guard.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MIN_COUNT = 10;
const EXCLUDED = new Set(
  [
    // capitalised German nouns (and one adjective) that are also given names
    'Alp Arie Berlin Bosse Christ Delphine Elle Engel Fee Frank Friede Hai Heide Horst Ion Jude Junior Kader Kais Kamel',
    'Lenz Liane Lore Luke Mai Marine Mark Maxime Melodie Milan Mine Olive Paris Rain Roman Rose Rubin Rune Seher Sultan',
    'Summer Tibet Tiger Tore Wolf Wolke York Europa Allah Islam Israel Kuba Mali Lima Medina Jordan Atlas Nil Gala Kali',
    'Art Flora Aura Saga Zion Nova Sole Lilien Linde Juli Juni April August Mercedes Sonne Stern Glück Liebe Hoffnung',
    'Vornamen Engel Diamant Prinz Prinzessin Ramadan Bayram Kurban Iman Amen Baby Kind',
    // everyday words of the families' languages written in German notes: "Anne" (Turkish: mother), "Baba" (father)
    'Anne Baba Abi Abla Amca Dede Mama Papa',
    // English words a note may quote
    'Will Can Joy Grace Hope Faith Sunny Happy Rich',
  ]
    .join(' ')
    .split(' '),
);
const NAME = /^\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?$/u;

const [source, dictionary] = process.argv.slice(2);
if (source === undefined || dictionary === undefined) {
  console.error('usage: node scripts/first-names.mjs <haeufige-vornamen-berlin checkout> <German word list>');
  process.exit(2);
}
const lowerCaseWords = new Set(
  readFileSync(dictionary, 'utf8')
    .split('\n')
    .map((word) => word.trim())
    .filter((word) => /^\p{Ll}/u.test(word)),
);
const counts = new Map();
const cleaned = join(source, 'data', 'cleaned');
for (const year of readdirSync(cleaned)) {
  for (const file of readdirSync(join(cleaned, year))) {
    if (!file.endsWith('.csv')) continue;
    const [, ...rows] = readFileSync(join(cleaned, year, file), 'utf8').split('\n');
    for (const row of rows) {
      const [name, count] = row.split(',');
      const n = Number(count);
      if (name === undefined || !Number.isSafeInteger(n)) continue;
      const trimmed = name.trim().normalize('NFC');
      counts.set(trimmed, (counts.get(trimmed) ?? 0) + n);
    }
  }
}
const names = [...counts]
  .filter(([name, count]) => count >= MIN_COUNT && name.length >= 3 && NAME.test(name))
  .map(([name]) => name)
  .filter((name) => !EXCLUDED.has(name) && !lowerCaseWords.has(name.toLowerCase()))
  .sort((a, b) => a.localeCompare(b, 'de'));
writeFileSync(join(import.meta.dirname, '..', 'src', 'domain', 'given-names', 'first-names.json'), `${JSON.stringify(names)}\n`);
console.log(`${names.length} names`);
