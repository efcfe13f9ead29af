import { createRequire } from 'node:module';
import type { CountryCode, NumberType, ValidatePhoneNumberLengthResult } from 'libphonenumber-js/max';

/**
 * Phone numbers for SMS codes: turn what a person typed into E.164, refuse what cannot receive an SMS,
 * and mask numbers for display.
 *
 * Uses the `max` metadata of libphonenumber-js, the only one that knows number types (mobile, fixed line, …)
 * and validates number ranges rather than only lengths. Its metadata holds ≈ 2 MB of heap, so it is loaded on the
 * first call that reads a number (a server whose users change passwords never holds it).
 */

type PhoneLibrary = typeof import('libphonenumber-js/max');
let phoneLibrary: PhoneLibrary | undefined;
function library(): PhoneLibrary {
  return (phoneLibrary ??= createRequire(import.meta.url)('libphonenumber-js/max') as PhoneLibrary);
}

export type PhoneNumberRefusal =
  /** Nothing but whitespace. */
  | 'empty'
  /** Letters or other characters that are not part of a phone number (vanity numbers are refused too). */
  | 'not-a-number'
  /** A national number (no + or 00) and no default country to read it with. */
  | 'needs-country-code'
  /** Unknown country calling code, or an unsupported default country. */
  | 'invalid-country'
  | 'too-short'
  | 'too-long'
  /** The number carries an extension ("ext. 12"), which SMS cannot reach. */
  | 'has-extension'
  /** The length is possible but the number is not in any allocated range of its country. */
  | 'invalid-number'
  /** The metadata says the number is a fixed line, which cannot receive SMS. */
  | 'not-mobile-capable';

export type PhoneNumberResult = { ok: true; e164: string } | { ok: false; reason: PhoneNumberRefusal };

/** Far longer than any real number with separators; longer input is refused before parsing. */
const MAX_INPUT_LENGTH = 40;

/** Digits, a leading +, and the separators people type: spaces, dashes, dots, slashes, parentheses. */
const PHONE_CHARACTERS = /^\+?[\d\s\-./()\u00a0]+$/;

/** A number followed by an extension ("ext. 12", "x12", "#12"), recognised only to say so precisely. */
const EXTENSION = /^\+?[\d\s\-./()\u00a0]+(?:ext\.?|x|#)\s*\d+$/i;

/**
 * Number types that cannot receive SMS. Only FIXED_LINE: MOBILE and FIXED_LINE_OR_MOBILE (the US and Canada
 * cannot tell the two apart) are accepted, and so are numbers whose type the metadata does not know and all
 * other types (VOIP, PERSONAL_NUMBER, PAGER, …), because refusing a number that works locks a person out,
 * while accepting one that does not only fails at delivery.
 */
const SMS_INCAPABLE_TYPES: ReadonlySet<NumberType> = new Set<NumberType>(['FIXED_LINE']);

/**
 * Reads a phone number as typed and returns it in E.164 (`+4915112345671`), or the reason it is refused.
 * Accepts international format (`+49 …` or `0049 …`) and, with `defaultCountry`, national format
 * (`0151 12345671` with DE). Never throws.
 */
export function normalisePhoneNumber(input: string, defaultCountry?: CountryCode): PhoneNumberResult {
  const trimmed = input.trim();
  if (trimmed === '') return refuse('empty');
  if (trimmed.length > MAX_INPUT_LENGTH) return refuse('too-long');
  const { isSupportedCountry, parsePhoneNumberFromString, validatePhoneNumberLength } = library();
  if (defaultCountry !== undefined && !isSupportedCountry(defaultCountry)) return refuse('invalid-country');
  if (EXTENSION.test(trimmed)) return refuse('has-extension');
  if (!PHONE_CHARACTERS.test(trimmed)) return refuse('not-a-number');

  const compact = trimmed.replace(/[^\d+]/g, '');
  if (compact.lastIndexOf('+') > 0) return refuse('not-a-number');
  // "00" is the international prefix in most of the world; read it as "+" whatever the default country.
  const international = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  if (!international.startsWith('+') && defaultCountry === undefined) return refuse('needs-country-code');

  const lengthProblem = validatePhoneNumberLength(international, defaultCountry);
  if (lengthProblem !== undefined) return refuse(LENGTH_REFUSALS[lengthProblem]);
  const parsed = parsePhoneNumberFromString(international, defaultCountry);
  if (parsed === undefined) return refuse('not-a-number');
  if (!parsed.isValid()) return refuse('invalid-number');

  const type = parsed.getType();
  if (type !== undefined && SMS_INCAPABLE_TYPES.has(type)) return refuse('not-mobile-capable');
  return { ok: true, e164: parsed.number };
}

/** True for `+` followed by 2–15 digits without a leading zero (ITU-T E.164); says nothing about validity. */
export function isE164(value: string): boolean {
  return /^\+[1-9]\d{1,14}$/.test(value);
}

/** Always this many bullets, so the mask does not reveal how long the number is. */
const MASK_BULLETS = '••••••••';

/**
 * A number for display where the person must recognise but not learn it: country calling code and the last
 * two digits, e.g. `+49 ••••••••71`. Input that is not a parseable E.164 number is masked entirely.
 */
export function maskPhoneNumber(e164: string): string {
  const parsed = isE164(e164) ? library().parsePhoneNumberFromString(e164) : undefined;
  if (parsed === undefined || parsed.nationalNumber.length < 4) return MASK_BULLETS;
  return `+${parsed.countryCallingCode} ${MASK_BULLETS}${parsed.nationalNumber.slice(-2)}`;
}

function refuse(reason: PhoneNumberRefusal): PhoneNumberResult {
  return { ok: false, reason };
}

/** libphonenumber's length verdicts in this module's words. */
const LENGTH_REFUSALS: Record<ValidatePhoneNumberLengthResult, PhoneNumberRefusal> = {
  NOT_A_NUMBER: 'not-a-number',
  INVALID_COUNTRY: 'invalid-country',
  TOO_SHORT: 'too-short',
  TOO_LONG: 'too-long',
  // Between the shortest and longest length of the country but not one of its lengths.
  INVALID_LENGTH: 'invalid-number',
};
