import { SsprError } from '../errors/sspr-error.js';
import { MAX_CUSTOM_BANNED_TERMS } from '../password-policy/index.js';

/**
 * A custom banned term as stored: NFC, lower case, trimmed; 4–64 characters (shorter terms match too much).
 * The CLI (`sspr policy banned add|remove`) and the console's policy editor use this one rule.
 */
export function bannedTermOf(raw: string): string {
  const term = raw.normalize('NFC').trim().toLowerCase();
  if ([...term].length < 4 || [...term].length > 64 || /\p{Cc}/u.test(term)) {
    throw new SsprError('policy-setting-invalid', { params: { setting: 'bannedTerms', problem: `"${raw.slice(0, 80)}" is not a usable banned term (4 to 64 characters)` } });
  }
  return term;
}

/** The whole custom list from one text per line (blank lines skipped, duplicates merged), within the list's limit. */
export function bannedTermsOf(lines: readonly string[]): string[] {
  const terms = [...new Set(lines.filter((line) => line.trim() !== '').map(bannedTermOf))];
  if (terms.length > MAX_CUSTOM_BANNED_TERMS) {
    throw new SsprError('policy-setting-invalid', { params: { setting: 'bannedTerms', problem: `at most ${MAX_CUSTOM_BANNED_TERMS} terms (${terms.length} given)` } });
  }
  return terms;
}
