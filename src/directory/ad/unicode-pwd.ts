/**
 * The value AD expects in `unicodePwd` (MS-ADTS 3.1.1.3.1.5.1 "unicodePwd"): the password enclosed in double
 * quotes, encoded as UTF-16LE, with no terminator. Characters outside the BMP become surrogate pairs, as
 * UTF-16 requires. The password is NFC-normalised first so that the same visible password typed on different
 * systems produces the same bytes (and therefore the same NT hash).
 */
export function unicodePwdValue(password: string): Buffer {
  return Buffer.from(`"${password.normalize('NFC')}"`, 'utf16le');
}
