/**
 * Private RFC 4515 escaping for the AD connector (the shared ldap-common helper did not exist yet when this
 * connector was written; switch to it once it lands). Every byte that may end or alter a filter — `*`, `(`,
 * `)`, `\`, NUL — is written as `\XX`; so is every non-ASCII byte of the UTF-8 encoding, which keeps the
 * filter 7-bit clean for any server.
 */
export function escapeFilterValue(value: string): string {
  let escaped = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const safe = byte >= 0x20 && byte < 0x7f && byte !== 0x2a && byte !== 0x28 && byte !== 0x29 && byte !== 0x5c;
    escaped += safe ? String.fromCharCode(byte) : `\\${byte.toString(16).padStart(2, '0')}`;
  }
  return escaped;
}

/** `(attribute=value)` with the value escaped; the attribute name must come from configuration, never input. */
export function equalityFilter(attribute: string, value: string): string {
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(attribute)) throw new Error(`not an attribute name: ${attribute}`);
  return `(${attribute}=${escapeFilterValue(value)})`;
}
