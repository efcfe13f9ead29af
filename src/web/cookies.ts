/** Cookie names and attributes; `__Host-` names and `Secure` whenever the service is reached over HTTPS. */
export interface CookiePolicy {
  secure: boolean;
}

export type CookieName = 'csrf' | 'flow' | 'session' | 'lang';

export function cookieName(cookiePolicy: CookiePolicy, name: CookieName): string {
  return `${cookiePolicy.secure ? '__Host-' : ''}sspr_${name}`;
}

/** Parses a Cookie header (RFC 6265 §5.4); malformed pairs are skipped, the first of duplicate names wins. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const pair of header.slice(0, 8192).split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!cookies.has(name)) {
      try {
        cookies.set(name, decodeURIComponent(value));
      } catch {
        // A value that is not valid percent-encoding is ignored, as if absent.
      }
    }
  }
  return cookies;
}

/** A Set-Cookie value: always Path=/, HttpOnly, SameSite=Lax; Secure under HTTPS; `maxAge` 0 deletes. */
export function serializeCookie(cookiePolicy: CookiePolicy, name: CookieName, value: string, maxAgeSeconds?: number): string {
  const parts = [`${cookieName(cookiePolicy, name)}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (cookiePolicy.secure) parts.push('Secure');
  if (maxAgeSeconds !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`);
  return parts.join('; ');
}
