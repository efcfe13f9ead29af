/**
 * Canonical form of a security answer (and of question texts, when they are compared), so that the same
 * answer typed on another day, device or keyboard layout still matches:
 *
 * 0. Invisible format characters (zero-width space, soft hyphen, BOM; Unicode category Cf) are removed;
 *    control characters count as whitespace. (First, so that no removal can create a new composition.)
 * 1. Unicode NFKC (UAX #15; NIST SP 800-63B §5.1.1.2 asks for NFKC or NFKD before hashing): full-width,
 *    ligature and compatibility forms become their plain equivalents.
 * 2. Case folded without a locale: lower-, upper-, then lower-cased, so "STRASSE", "Straße", "STRAẞE"
 *    and "strasse" agree, on every server whatever its locale. NFKC runs again afterwards.
 * 3. Typographic apostrophes, quotes and dashes become their ASCII forms (phones substitute "smart"
 *    punctuation: O’Brien and O'Brien must match).
 * 4. Sentence punctuation, quotes and brackets at either end are stripped ("Rex." = "Rex" = "'Rex'"),
 *    together with surrounding whitespace; inner punctuation stays ("St. Pauli", "O'Brien").
 *    Symbols such as "#", "+", "&" and "-" are kept even at the ends, so "C#" and "C++" stay intact.
 * 5. Runs of whitespace become a single space.
 *
 * Diacritics are kept: "Müller" and "Muller" differ (stripping them would conflate distinct names).
 * The function is idempotent: normaliseAnswer(normaliseAnswer(x)) === normaliseAnswer(x).
 */
export function normaliseAnswer(answer: string): string {
  const visible = answer.replace(FORMAT_CHARACTERS, '').replace(CONTROL_CHARACTERS, ' ');
  const folded = visible.normalize('NFKC').toLowerCase().toUpperCase().toLowerCase().normalize('NFKC');
  return folded
    .replace(TYPOGRAPHIC_APOSTROPHES, "'")
    .replace(TYPOGRAPHIC_QUOTES, '"')
    .replace(TYPOGRAPHIC_DASHES, '-')
    .replace(EDGE_PUNCTUATION, '')
    .replace(WHITESPACE_RUNS, ' ');
}

/** Length in Unicode code points (NIST SP 800-63B §5.1.1.2: each code point counts as one character). */
export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

const TYPOGRAPHIC_APOSTROPHES = /[\u2018\u2019\u201A\u201B\u2032\u02BC\u0060\u00B4]/gu;
const TYPOGRAPHIC_QUOTES = /[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB\u2039\u203A]/gu;
const TYPOGRAPHIC_DASHES = /[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]/gu;
const FORMAT_CHARACTERS = /\p{Cf}/gu;
const CONTROL_CHARACTERS = /\p{Cc}/gu;
/** Sentence punctuation, quotes and brackets (ASCII after step 3, plus Spanish ¡¿ and CJK full stops). */
const STRIPPABLE = String.raw`\s.,;:!?¡¿'"()\[\]{}…。、`;
const EDGE_PUNCTUATION = new RegExp(`^[${STRIPPABLE}]+|[${STRIPPABLE}]+$`, 'gu');
const WHITESPACE_RUNS = /\s+/gu;
