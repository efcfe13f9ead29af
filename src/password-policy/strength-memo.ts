/**
 * The estimates made recently for named users, so that a password submitted after its live check (or checked
 * twice by one request's steps) is estimated once.
 *
 * Contract: an entry is found only for the very same window and user inputs (the estimate depends on nothing
 * else), at most {@link MEMO_ENTRIES} entries for at most {@link MEMO_TTL_MS}, oldest dropped first. Keys are
 * HMAC-SHA-256 under a random per-process key, and an entry holds the score and zxcvbn's feedback keys only, so
 * no password or password hash is kept. The caller remembers only estimates for a named user: an entry made for a
 * check without a user could tell another client, by a faster answer, that someone checked the same password.
 */
import { createHmac, randomBytes } from 'node:crypto';

export const MEMO_ENTRIES = 1024;
export const MEMO_TTL_MS = 15 * 60_000;

export interface RawStrength {
  score: number;
  suggestionKeys: readonly string[];
  warning: string | null;
}

export class StrengthMemo {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, { at: number; value: RawStrength }>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  private keyOf(window: string, userInputs: readonly string[]): string {
    const hmac = createHmac('sha256', this.key);
    for (const input of userInputs) hmac.update(input).update('\u0000');
    return hmac.update('\u0001').update(window).digest('base64');
  }

  /** The remembered estimate, or the one `estimate` makes now (then remembered). */
  get(window: string, userInputs: readonly string[], estimate: () => RawStrength): RawStrength {
    const key = this.keyOf(window, userInputs);
    const now = this.now();
    const found = this.entries.get(key);
    if (found !== undefined && now - found.at <= MEMO_TTL_MS) return found.value;
    const value = estimate();
    this.entries.delete(key);
    this.entries.set(key, { at: now, value });
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= MEMO_ENTRIES && now - entry.at <= MEMO_TTL_MS) break;
      this.entries.delete(oldest);
    }
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}
