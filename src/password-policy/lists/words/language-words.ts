/**
 * The words of one language that people build passwords from at work: seasons, months, weekdays and common
 * workplace words (the password word itself, welcome, company, office, holidays …). Written plainly in lower
 * case, with and without diacritics where people type both; four-letter terms only where they are strong signals
 * (four-letter terms also match three-letter parts of a password, see global-banned.ts).
 */
export interface LanguageWords {
  seasons: readonly string[];
  months: readonly string[];
  weekdays: readonly string[];
  workplace: readonly string[];
}
