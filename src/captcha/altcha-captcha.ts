import { createChallenge, extractParams, verifySolution } from 'altcha-lib/v1';
import { z } from 'zod';
import { InMemoryReplayStore, type ReplayStore } from './replay-store.js';
import { AdaptiveDifficulty } from './adaptive-difficulty.js';

/**
 * Self-hosted proof-of-work captcha in the ALTCHA v1 format: the server hands out a signed challenge, the
 * browser searches for the number n with SHA-256(salt + n) = challenge, and posts the solution back as
 * base64 JSON. No third party is involved.
 *
 * Without JavaScript a form cannot pass the captcha. API integrations that cannot run the proof of work
 * are served by switching the captcha off (`SSPR_CAPTCHA=off`) and relying on the rate limits.
 */

/** What the challenge endpoint returns as JSON; the browser (captcha-client.ts) solves it. */
export interface CaptchaChallenge {
  algorithm: 'SHA-256';
  /** Hex SHA-256 of `salt + secretNumber`. */
  challenge: string;
  /** The search range is 0..maxnumber; sets the expected work. */
  maxnumber: number;
  /** Random hex, then `?expires=<unix seconds>&` — signed along with the challenge. */
  salt: string;
  /** Hex HMAC-SHA-256 of `challenge` under the server key. */
  signature: string;
}

export type CaptchaFailure = 'malformed' | 'expired' | 'wrong' | 'replayed';
export type CaptchaVerdict = { ok: true } | { ok: false; reason: CaptchaFailure };

export interface ProofOfWorkCaptchaOptions {
  /** Secret for signing challenges; at least 32 bytes. Shared by all nodes that verify. */
  hmacKey: Buffer;
  /**
   * Upper end of the number search (the difficulty); the browser needs maxNumber/2 hashes on average.
   * Headless Chromium manages ~100 000 SHA-256/s on a server core, so the default 100 000 costs ≈0.5 s on
   * average and ≈1 s at worst (test/e2e/passkey-harness/captcha.test.ts prints the figures); phones are a
   * few times slower. The script starts solving on page load, so most of it overlaps with typing.
   * This is the base: `AdaptiveDifficulty` multiplies it for clients that hoard challenges and under load.
   */
  maxNumber?: number;
  /** How long a challenge can be solved and posted. */
  expiresInSeconds?: number;
  clock?: { now(): number };
  /** Where spent solutions are remembered; defaults to process memory (see ReplayStore). */
  replayStore?: ReplayStore;
}

export const DEFAULT_CAPTCHA_MAX_NUMBER = 100_000;
const MAX_PAYLOAD_CHARS = 2_048;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const solutionPayload = z.object({
  algorithm: z.literal('SHA-256'),
  challenge: hex64,
  number: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  salt: z.string().min(1).max(512),
  signature: hex64,
  took: z.number().optional(),
});
type SolutionPayload = z.infer<typeof solutionPayload>;

export class ProofOfWorkCaptcha {
  private readonly hmacSecret: string;
  private readonly maxNumber: number;
  private readonly difficulty: AdaptiveDifficulty;
  private readonly expiresInSeconds: number;
  private readonly clock: { now(): number };
  private readonly replayStore: ReplayStore;

  constructor(options: ProofOfWorkCaptchaOptions) {
    if (options.hmacKey.length < 32) throw new RangeError('captcha hmacKey must be at least 32 bytes');
    // altcha-lib takes the key as a string and UTF-8-encodes it; base64 keeps every key byte.
    this.hmacSecret = options.hmacKey.toString('base64');
    this.maxNumber = options.maxNumber ?? DEFAULT_CAPTCHA_MAX_NUMBER;
    if (!Number.isSafeInteger(this.maxNumber) || this.maxNumber < 1) throw new RangeError('captcha maxNumber must be a positive integer');
    this.expiresInSeconds = options.expiresInSeconds ?? 300;
    this.clock = options.clock ?? { now: () => Date.now() };
    this.replayStore = options.replayStore ?? new InMemoryReplayStore(this.clock);
    this.difficulty = new AdaptiveDifficulty(this.maxNumber, this.clock);
  }

  /**
   * A fresh signed challenge for this client (its network, see clientNetwork); the server keeps no state for
   * the challenge itself, only the load counts that set its difficulty.
   */
  async createChallenge(client = ''): Promise<CaptchaChallenge> {
    const maxNumber = this.difficulty.next(client);
    const challenge = await createChallenge({
      algorithm: 'SHA-256',
      hmacKey: this.hmacSecret,
      maxNumber,
      expires: new Date(this.clock.now() + this.expiresInSeconds * 1000),
    });
    return { algorithm: 'SHA-256', challenge: challenge.challenge, maxnumber: maxNumber, salt: challenge.salt, signature: challenge.signature };
  }

  /**
   * Checks a solution as the form posts it (base64 of the JSON payload). Order: shape → signature and
   * proof of work → expiry (by our clock) → single use. `ok` spends the solution; anything else does not.
   */
  async verify(payload: string): Promise<CaptchaVerdict> {
    const verdict = await this.check(payload);
    if (!verdict.ok) this.difficulty.failed();
    return verdict;
  }

  private async check(payload: string): Promise<CaptchaVerdict> {
    const solution = parsePayload(payload);
    if (!solution) return { ok: false, reason: 'malformed' };

    // checkExpires=false: altcha-lib reads Date.now(); expiry is judged below with the injected clock.
    if (!(await verifySolution(solution, this.hmacSecret, false))) return { ok: false, reason: 'wrong' };

    const expiresAt = expiryOf(solution);
    // A genuine challenge of ours always carries an expiry, so a missing one means it is not ours.
    if (expiresAt === null) return { ok: false, reason: 'wrong' };
    if (expiresAt <= this.clock.now()) return { ok: false, reason: 'expired' };

    if (await this.replayStore.has(solution.signature)) return { ok: false, reason: 'replayed' };
    if (!(await this.replayStore.add(solution.signature, expiresAt))) return { ok: false, reason: 'replayed' };
    return { ok: true };
  }
}

function parsePayload(payload: string): SolutionPayload | null {
  if (typeof payload !== 'string' || payload.length === 0 || payload.length > MAX_PAYLOAD_CHARS) return null;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(payload)) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = solutionPayload.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** Expiry in ms since the epoch from the signed salt's `expires` parameter, or null if absent/invalid. */
function expiryOf(solution: SolutionPayload): number | null {
  const expires = extractParams(solution).expires;
  if (expires === undefined || !/^\d{1,12}$/.test(expires)) return null;
  return Number(expires) * 1000;
}
