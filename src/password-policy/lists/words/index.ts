import { languages, type Lang } from '../../../i18n/lang.js';
import type { LanguageWords } from './language-words.js';
import { de } from './de.js';
import { en } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { it } from './it.js';
import { ja } from './ja.js';
import { nl } from './nl.js';
import { pl } from './pl.js';
import { ptBR } from './pt-BR.js';
import { sv } from './sv.js';

export type { LanguageWords } from './language-words.js';

/** Each interface language's words (one file per language); a Record over Lang, so a new language needs its file. */
export const wordsByLanguage: Readonly<Record<Lang, LanguageWords>> = { en, de, fr, es, it, nl, pl, 'pt-BR': ptBR, sv, ja };

/** Every language's seasons, months, weekdays and workplace words, for the global banned list. */
export const LANGUAGE_BANNED_TERMS: readonly string[] = languages.flatMap((lang) => {
  const words = wordsByLanguage[lang];
  return [...words.seasons, ...words.months, ...words.weekdays, ...words.workplace];
});
