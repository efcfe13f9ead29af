/**
 * Lists, per language, the English messages a translation lacks, the keys English no longer has, and the
 * messages whose placeholders differ from English: the to-do list for translators after new keys were added to
 * messages/en. `npm run messages:missing` (exit 1 while anything is listed); `-- --json` prints one JSON object
 * `{ "<lang>": { "missing": { "<key>": "<English text>" }, "unknown": [...], "placeholders": [...] } }`, which is
 * also the shape a translator can answer with: the missing texts, ready to translate.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { languages } from '../src/i18n/lang.js';
import { languagesIn, readLanguage, shippedMessagesRoot, type MessageSet } from '../src/i18n/message-files.js';

export interface LanguageGaps {
  /** English key → English text, for every key the language lacks. */
  missing: Record<string, string>;
  /** Keys the language has and English does not. */
  unknown: string[];
  /** Keys whose placeholder names differ from English. */
  placeholders: string[];
}

const names = (set: MessageSet, key: string) => [...(set.get(key)?.args.keys() ?? [])].sort().join(',');

/** What each non-English language lacks compared with English (languages without a folder lack everything). */
export function messageGaps(root = shippedMessagesRoot()): Record<string, LanguageGaps> {
  const english = readLanguage(join(root, languages[0]));
  const present = new Set(languagesIn(root));
  const gaps: Record<string, LanguageGaps> = {};
  for (const lang of new Set([...languages.slice(1), ...present])) {
    if (lang === languages[0]) continue;
    const set: MessageSet = present.has(lang) ? readLanguage(join(root, lang)) : new Map();
    gaps[lang] = {
      missing: Object.fromEntries([...english].filter(([key]) => !set.has(key)).map(([key, m]) => [key, m.text])),
      unknown: [...set.keys()].filter((key) => !english.has(key)),
      placeholders: [...set.keys()].filter((key) => english.has(key) && names(set, key) !== names(english, key)),
    };
  }
  return gaps;
}

const isEmpty = (g: LanguageGaps) => Object.keys(g.missing).length + g.unknown.length + g.placeholders.length === 0;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const gaps = messageGaps();
  if (process.argv.includes('--json')) {
    process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(gaps).filter(([, g]) => !isEmpty(g))), null, 2) + '\n');
  } else {
    for (const [lang, g] of Object.entries(gaps)) {
      if (isEmpty(g)) {
        process.stdout.write(`${lang}: complete\n`);
        continue;
      }
      const missing = Object.keys(g.missing);
      process.stdout.write(`${lang}: ${missing.length} missing, ${g.unknown.length} unknown, ${g.placeholders.length} with other placeholders\n`);
      for (const key of missing) process.stdout.write(`  missing       ${key}\n`);
      for (const key of g.unknown) process.stdout.write(`  unknown       ${key}\n`);
      for (const key of g.placeholders) process.stdout.write(`  placeholders  ${key}\n`);
    }
  }
  process.exitCode = Object.values(gaps).every(isEmpty) ? 0 : 1;
}
