/**
 * Crockford's Base32 (https://www.crockford.com/base32.html): digits and upper-case letters without I, L, O
 * and U, so a code read aloud or copied by hand has no look-alikes; on input I and L read as 1, O as 0.
 */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Encodes bytes, 5 bits per character, most significant bit first. Bytes × 8 must be a multiple of 5. */
export function encodeCrockford(bytes: Uint8Array): string {
  if ((bytes.length * 8) % 5 !== 0) throw new RangeError('byte count must give a whole number of 5-bit groups');
  let output = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      output += CROCKFORD_ALPHABET[(buffer >>> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  return output;
}

/** Upper-cases and maps Crockford's aliases (I, L → 1; O → 0). Characters outside the alphabet are left as they are. */
export function canonicaliseCrockford(text: string): string {
  return text.toUpperCase().replace(/[IL]/g, '1').replace(/O/g, '0');
}

export function isCrockford(text: string): boolean {
  return /^[0-9A-HJKMNP-TV-Z]*$/.test(text);
}
