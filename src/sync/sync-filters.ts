/**
 * The ordering filters of incremental sync and validation of the markers that go into them. ldap-filter.ts has
 * equality and presence only; `greaterOrEqual` escapes its value with that module's RFC 4515 escaping, and the
 * marker formats are checked strictly before any marker reaches a filter.
 */
import { assertAttributeName, escapeFilterValue, type LdapFilter } from '../directory/ldap-common/ldap-filter.js';

/** `(attr>=value)`: RFC 4515 §3 greaterOrEqual item; the value is escaped here. */
export function greaterOrEqual(attribute: string, value: string): LdapFilter {
  return `(${assertAttributeName(attribute)}>=${escapeFilterValue(value)})` as LdapFilter;
}

/** GeneralizedTime as OpenLDAP writes modifyTimestamp (RFC 4517 §3.3.13): `YYYYMMDDHHMMSS[.f]Z`. */
const GENERALIZED_TIME = /^\d{14}(?:[.,]\d+)?Z$/;

/** The LDAP marker: a modifyTimestamp value. Throws on anything else (a corrupt stored marker must not be guessed). */
export function parseTimestampMarker(marker: string): string {
  if (!GENERALIZED_TIME.test(marker)) throw new Error(`invalid LDAP sync marker (expected GeneralizedTime): ${JSON.stringify(marker)}`);
  return marker;
}

/** The later of two GeneralizedTime values in the same UTC `…Z` form (lexicographic order is time order). */
export function laterTimestamp(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return b > a ? b : a;
}

/** The AD marker: an update sequence number (USN, MS-ADTS 3.1.1.1.9), a non-negative decimal integer. */
export function parseUsnMarker(marker: string): bigint {
  if (!/^\d{1,20}$/.test(marker)) throw new Error(`invalid AD sync marker (expected a USN): ${JSON.stringify(marker)}`);
  return BigInt(marker);
}
