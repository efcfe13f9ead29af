/** Reading attribute values out of ldapts search entries, and LDAP GeneralizedTime (RFC 4517 §3.3.13). */
import type { Entry } from 'ldapts';

/** The entry's key for `attribute`: ldapts keeps one key per attribute (the server's spelling, which may differ in case). */
function keyOf(entry: Entry, attribute: string): string | undefined {
  // The exact spelling is the common, cheap case.
  const key = Object.hasOwn(entry, attribute) ? attribute : Object.keys(entry).find((name) => name.toLowerCase() === attribute.toLowerCase());
  return key === 'dn' ? undefined : key;
}

/** All values of `attribute` (matched case-insensitively, as servers may change the case), as strings. */
export function values(entry: Entry, attribute: string): string[] {
  const key = keyOf(entry, attribute);
  if (key === undefined) return [];
  const raw = entry[key];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.map((value) => (Buffer.isBuffer(value) ? value.toString('utf8') : value));
}

/** The first value of `attribute`, or null (no intermediate arrays: a sync reads this for every attribute of every entry). */
export function firstValue(entry: Entry, attribute: string): string | null {
  const key = keyOf(entry, attribute);
  if (key === undefined) return null;
  const raw = entry[key];
  const value: unknown = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === null) return null;
  return Buffer.isBuffer(value) ? value.toString('utf8') : (value as string);
}

export function numberValue(entry: Entry, attribute: string): number | undefined {
  const value = firstValue(entry, attribute);
  if (value === null || !/^-?\d+$/.test(value.trim())) return undefined;
  return Number(value);
}

export function booleanValue(entry: Entry, attribute: string): boolean | undefined {
  const value = firstValue(entry, attribute);
  return value === null ? undefined : value.toUpperCase() === 'TRUE';
}

/** GeneralizedTime `YYYYMMDDHHMMSS[.fff]Z` (UTC; the form OpenLDAP writes) → Date; null when absent or other. */
export function generalizedTime(value: string | null): Date | null {
  const match = value?.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:[.,](\d+))?Z$/);
  if (!match) return null;
  const [, year, month, day, hour, minute, second, fraction] = match.map((part) => part ?? '');
  const millis = fraction ? Math.round(Number(`0.${fraction}`) * 1000) : 0;
  return new Date(Date.UTC(+year!, +month! - 1, +day!, +hour!, +minute!, +second!, millis));
}
