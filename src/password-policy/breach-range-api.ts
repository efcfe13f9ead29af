/**
 * Online breached-password check through a k-anonymity range API compatible with HIBP's
 * Pwned Passwords API: GET {baseUrl}/range/{first 5 hex of SHA-1} returns lines
 * `SUFFIX:count` (the other 35 hex digits). Only the 5-digit prefix leaves the server; the
 * password and its full hash never do. `Add-Padding: true` asks the server to pad the answer
 * with count-0 entries, which are ignored.
 *
 * Failures (timeout, network error, non-2xx) raise BreachCheckUnavailableError; the caller
 * decides whether that blocks the password (evaluatePassword lets it through and says so).
 */
import { BreachCheckUnavailableError, sha1HexOfPassword, type BreachChecker } from './breach-checker.js';

export interface RangeApiOptions {
  /** e.g. "https://api.pwnedpasswords.com" (no trailing /range). */
  baseUrl: string;
  /** Per-request timeout (default 3000 ms). */
  timeoutMs?: number;
  /** HIBP asks clients to send a descriptive User-Agent. */
  userAgent?: string;
}

export class RangeApiBreachChecker implements BreachChecker {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly userAgent: string;

  constructor(options: RangeApiOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/u, '');
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.userAgent = options.userAgent ?? 'sspr-password-policy';
  }

  async has(password: string): Promise<boolean> {
    const hash = sha1HexOfPassword(password);
    const prefix = hash.slice(0, 5);
    const suffix = hash.slice(5);
    const body = await this.fetchRange(prefix);
    for (const line of body.split('\n')) {
      const [lineSuffix, count] = line.trim().split(':');
      if (lineSuffix?.toUpperCase() === suffix && Number(count ?? '1') > 0) return true;
    }
    return false;
  }

  private async fetchRange(prefix: string): Promise<string> {
    const url = `${this.baseUrl}/range/${prefix}`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { 'Add-Padding': 'true', 'User-Agent': this.userAgent },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new BreachCheckUnavailableError(`breach range API unreachable (${url})`, { cause: error });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new BreachCheckUnavailableError(`breach range API answered ${response.status} (${url})`);
    }
    try {
      return await response.text();
    } catch (error) {
      throw new BreachCheckUnavailableError(`breach range API response failed (${url})`, { cause: error });
    }
  }
}
