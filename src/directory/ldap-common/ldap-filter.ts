/**
 * LDAP search filters built only from escaped values (RFC 4515) and DN attribute values escaped per RFC 4514.
 * A `LdapFilter` can only come out of this module's builders, so no caller can splice raw user input into a filter.
 */

declare const filterBrand: unique symbol;
/** A complete, parenthesised filter string produced by `eq`, `present`, `and`, `or` or `not`. */
export type LdapFilter = string & { readonly [filterBrand]: true };

const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;

/** Throws unless `name` is an RFC 4512 short attribute descriptor (letters, digits, hyphen; leading letter). */
export function assertAttributeName(name: string): string {
  if (!ATTRIBUTE_NAME.test(name)) throw new TypeError(`invalid LDAP attribute name: ${JSON.stringify(name)}`);
  return name;
}

function hexBytes(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => `\\${byte.toString(16).padStart(2, '0')}`).join('');
}

/**
 * RFC 4515 §3 assertion value escaping: `\`, `*`, `(`, `)`, NUL and every non-ASCII character become `\XX`
 * (each UTF-8 byte, lower-case hex). Printable ASCII other than those passes through unchanged.
 */
export function escapeFilterValue(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    out += code === 0x5c || code === 0x2a || code === 0x28 || code === 0x29 || code === 0 || code > 0x7e || code < 0x20
      ? hexBytes(char)
      : char;
  }
  return out;
}

/** `(attr=value)` equality assertion; the value is escaped here (never pass a pre-escaped value). */
export function eq(attribute: string, value: string): LdapFilter {
  return `(${assertAttributeName(attribute)}=${escapeFilterValue(value)})` as LdapFilter;
}

/** `(attr=*)` presence assertion. */
export function present(attribute: string): LdapFilter {
  return `(${assertAttributeName(attribute)}=*)` as LdapFilter;
}

export function and(...filters: LdapFilter[]): LdapFilter {
  if (filters.length === 0) throw new TypeError('and() needs at least one filter');
  return `(&${filters.join('')})` as LdapFilter;
}

export function or(...filters: LdapFilter[]): LdapFilter {
  if (filters.length === 0) throw new TypeError('or() needs at least one filter');
  return `(|${filters.join('')})` as LdapFilter;
}

export function not(filter: LdapFilter): LdapFilter {
  return `(!${filter})` as LdapFilter;
}

/**
 * RFC 4514 §2.4 attribute value escaping for building a DN component: `"+,;<>\` and NUL everywhere, a leading
 * space or `#`, and a trailing space are escaped. Non-ASCII UTF-8 is allowed unescaped by the RFC.
 */
export function escapeDnValue(value: string): string {
  let out = '';
  const chars = [...value];
  chars.forEach((char, index) => {
    if (char === '\0') out += '\\00';
    else if ('"+,;<>\\='.includes(char)) out += `\\${char}`;
    else if (index === 0 && (char === ' ' || char === '#')) out += `\\${char}`;
    else if (index === chars.length - 1 && char === ' ') out += '\\ ';
    else out += char;
  });
  return out;
}

/** `attr=value` relative DN with an escaped value. */
export function rdn(attribute: string, value: string): string {
  return `${assertAttributeName(attribute)}=${escapeDnValue(value)}`;
}
