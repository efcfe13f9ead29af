import { hmac, randomToken, safeEqual } from '../crypto/tokens.js';

/**
 * Double-submit CSRF protection keyed by the server (OWASP "signed double submit cookie"): the browser holds
 * a random cookie; every form carries HMAC(csrf key, cookie). A cross-site form can send the cookie but
 * cannot compute the token. Applies to every state-changing form, unauthenticated steps included.
 */
export class Csrf {
  constructor(private readonly key: Buffer) {}

  newCookieValue(): string {
    return randomToken();
  }

  tokenFor(cookieValue: string): string {
    return hmac(this.key, 'csrf', cookieValue);
  }

  isValid(cookieValue: string | undefined, token: unknown): boolean {
    return !!cookieValue && this.accepts(token, () => this.tokenFor(cookieValue));
  }

  /** Whether a posted token is the expected one (`expected`: tokenFor the browser's cookie), in constant time. */
  accepts(token: unknown, expected: () => string): boolean {
    if (typeof token !== 'string' || token.length > 128) return false;
    return safeEqual(token, expected());
  }
}
