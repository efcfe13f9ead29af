/**
 * Conversions between AD wire values and JavaScript values (MS-ADTS 2.2 / MS-DTYP).
 */

/**
 * objectGUID (MS-DTYP 2.3.4.2) as the canonical lower-case UUID string. The first three fields (Data1 32-bit,
 * Data2 and Data3 16-bit) are stored little-endian; the last 8 bytes are in order.
 */
export function guidToUuid(bytes: Buffer): string {
  if (bytes.length !== 16) throw new Error(`objectGUID must be 16 bytes, got ${bytes.length}`);
  const hex = (from: number, to: number, reverse: boolean): string => {
    const part = Array.from(bytes.subarray(from, to));
    if (reverse) part.reverse();
    return part.map((b) => b.toString(16).padStart(2, '0')).join('');
  };
  return [hex(0, 4, true), hex(4, 6, true), hex(6, 8, true), hex(8, 10, false), hex(10, 16, false)].join('-');
}

/** A binary SID (MS-DTYP 2.4.2.2) as its S-1-… string form. */
export function sidToString(bytes: Buffer): string {
  if (bytes.length < 8) throw new Error('SID too short');
  const revision = bytes[0] ?? 0;
  const subCount = bytes[1] ?? 0;
  const authority = bytes.readUIntBE(2, 6);
  const parts = [`S-${revision}-${authority}`];
  for (let i = 0; i < subCount; i++) parts.push(String(bytes.readUInt32LE(8 + 4 * i)));
  return parts.join('-');
}

/**
 * A FILETIME-style integer attribute (pwdLastSet, lockoutTime, accountExpires: 100-ns intervals since 1601)
 * as a bigint; absent → null. These exceed 2^53, so never parse them as numbers.
 */
export function largeInteger(value: string | undefined): bigint | null {
  if (value === undefined || !/^-?\d+$/.test(value)) return null;
  return BigInt(value);
}

/** accountExpires: 0 and 0x7FFFFFFFFFFFFFFF mean "never" (MS-ADA1 Account-Expires). */
export const ACCOUNT_NEVER_EXPIRES = 0x7fffffffffffffffn;

const FILETIME_EPOCH_OFFSET_100NS = 116_444_736_000_000_000n;

/** A FILETIME (100 ns since 1601-01-01 UTC) as Unix milliseconds. */
export function filetimeToUnixMs(filetime: bigint): number {
  return Number((filetime - FILETIME_EPOCH_OFFSET_100NS) / 10_000n);
}

/**
 * A negative duration in 100-ns intervals (minPwdAge, lockoutDuration, msDS-MinimumPasswordAge …) as seconds.
 * AD stores intervals as negative numbers; the magnitude is what matters.
 */
export function intervalToSeconds(value: string | undefined): number | undefined {
  const interval = largeInteger(value);
  if (interval === null) return undefined;
  const magnitude = interval < 0n ? -interval : interval;
  return Number(magnitude / 10_000_000n);
}

/** userAccountControl bits (MS-ADTS 2.2.16). */
export const UAC = {
  ACCOUNTDISABLE: 0x2,
  LOCKOUT: 0x10,
  DONT_EXPIRE_PASSWORD: 0x10000,
  SMARTCARD_REQUIRED: 0x40000,
  PASSWORD_EXPIRED: 0x800000,
} as const;

/** A decimal attribute as an integer; absent or malformed → fallback. */
export function integerOr(value: string | undefined, fallback: number): number {
  if (value === undefined || !/^-?\d+$/.test(value)) return fallback;
  return Number.parseInt(value, 10);
}
