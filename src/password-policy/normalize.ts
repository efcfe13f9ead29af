/**
 * Password normalisation for the banned-term, name and common-password checks.
 *
 * Follows step 1 of Microsoft Entra password protection ("How are passwords evaluated",
 * concept-password-ban-bad): lower-case the password and undo common character substitutions.
 * Entra documents at least 0→o, 1→l, $→s, @→a and allows more; we add the usual "leet"
 * digits and symbols so that "P4ssw0rd!" and "password" look the same to the matcher:
 *
 *   0→o  1→l  3→e  4→a  5→s  7→t   $→s  @→a  !→i  |→l  +→t  €→e  £→l
 *
 * Not substituted, on purpose: 2, 6, 8, 9 (no dominant letter reading: 8 is "b" as often as
 * "ate"), and "ß" (it would change the length; the lists spell German words both ways).
 *
 * Contract:
 * - NFC first, so "é" typed precomposed or decomposed is the same password.
 * - Every substitution maps one code point to one code point, so for input that is already
 *   NFC and whose lower-casing is one-to-one (all of ASCII), the code-point length is kept.
 * - Idempotent: normalizePassword(normalizePassword(x)) === normalizePassword(x).
 * - The result is only ever compared with other normalised strings; it is never stored.
 */

/** The substitution table, exported so tests and documentation can show it. */
export const SUBSTITUTIONS: Readonly<Record<string, string>> = Object.freeze({
  '0': 'o',
  '1': 'l',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  $: 's',
  '@': 'a',
  '!': 'i',
  '|': 'l',
  '+': 't',
  '€': 'e',
  '£': 'l',
});

const SUBSTITUTED = '[013457$@!|+€£]';
const SUBSTITUTION_PATTERN = new RegExp(SUBSTITUTED, 'g');
const SUBSTITUTION_NEXT_TO_LETTER = new RegExp(`\\p{L}${SUBSTITUTED}|${SUBSTITUTED}\\p{L}`, 'u');

function substitute(char: string): string {
  return SUBSTITUTIONS[char] ?? char;
}

/** The substitutions of {@link SUBSTITUTIONS} undone, nothing else changed (case kept): "P4ssw0rd" → "Password". */
export function undoSubstitutions(text: string): string {
  return text.replace(SUBSTITUTION_PATTERN, substitute);
}

/** True when a substituted character stands next to a letter ("P4ss", "w0rd"): the text may be leetspeak. */
export function hasSubstitutionNextToLetter(text: string): boolean {
  return SUBSTITUTION_NEXT_TO_LETTER.test(text);
}

function normalizeOnce(text: string): string {
  return undoSubstitutions(text.normalize('NFC').toLowerCase()).normalize('NFC');
}

/**
 * NFC + lower-case + substitutions. Repeats until stable (at most a few rounds) because
 * lower-casing a handful of exotic code points yields text that NFC or lower-casing would
 * change again; this keeps the function idempotent for all of Unicode.
 */
export function normalizePassword(text: string): string {
  let current = normalizeOnce(text);
  for (let round = 0; round < 3; round++) {
    const next = normalizeOnce(current);
    if (next === current) return current;
    current = next;
  }
  return current;
}

/** Length in Unicode code points after NFC — the length users are told about. */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text.normalize('NFC')) count++;
  return count;
}

/** The code points of a string, as numbers (surrogate pairs combined). */
export function toCodePoints(text: string): number[] {
  const points: number[] = [];
  for (const char of text) points.push(char.codePointAt(0) ?? 0);
  return points;
}

/**
 * Extra folding for context words (user name, display name, personal names) only: "l" and
 * "i" become one letter. After normalisation 1, | and l read as "l" but ! and i as "i", and
 * people write "1" for both — "Fabr1kam" should still contain "Fabrikam". Applied to both
 * sides of a substring check; never used for banned-term scoring.
 */
export function foldForNameMatch(normalized: string): string {
  return normalized.replaceAll('l', 'i');
}
