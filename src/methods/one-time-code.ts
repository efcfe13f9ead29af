import { randomBytes } from 'node:crypto';
import type { FlowRecord, FlowsRepository, OfferedMethod } from './records.js';
import type { ChallengesRepository } from '../store/challenges-repository.js';
import type { Clock } from '../store/clock.js';
import { hmac, numericCode, safeEqual } from '../crypto/tokens.js';
import { SsprError } from '../errors/sspr-error.js';

export interface CodeSettings {
  codeLength: number;
  codeTtlSeconds: number;
  maxCodeAttempts: number;
}

/** A stored code as the rules see it: its digest, its tries so far, when it lapses and whether it was used. */
export interface StoredCode {
  codeHash: string;
  attempts: number;
  expiresAt: number;
  consumed: boolean;
}

/**
 * Where one code lives: a reset flow's method, or a pending enrolment. `binding` is hashed with the code so a
 * code is good only where it was issued; `replace` voids any earlier code; `takeAttempt` and `consume` are
 * compare-and-set, so of two concurrent requests only one wins.
 */
export interface CodeSlot {
  readonly binding: readonly string[];
  replace(codeHash: string, expiresAt: number, now: number): Promise<void>;
  latest(now: number): Promise<StoredCode | null>;
  takeAttempt(max: number): Promise<boolean>;
  consume(now: number): Promise<boolean>;
}

/** The slot of one offered method in a reset flow (the reset_codes table). */
export function flowCodeSlot(flows: FlowsRepository, flow: FlowRecord, method: OfferedMethod): CodeSlot {
  let id: number | null = null;
  return {
    binding: [flow.digest, method.id],
    replace: (codeHash, expiresAt, now) => flows.replaceCode(flow.digest, method.id, codeHash, expiresAt, now),
    async latest() {
      const record = await flows.latestCode(flow.digest, method.id);
      id = record?.id ?? null;
      return record && { codeHash: record.codeHash, attempts: record.attempts, expiresAt: record.expiresAt, consumed: record.consumedAt !== null };
    },
    takeAttempt: async (max) => id !== null && flows.takeAttempt(id, max),
    consume: async (now) => id !== null && flows.consumeCode(id, now),
  };
}

/**
 * The slot of a pending enrolment (a pending challenge under `key`) that confirms `target`, the address or
 * number the code went to; `confirmedTarget` gives it back once the code came back.
 */
export function enrolmentCodeSlot(challenges: ChallengesRepository, key: string, target = ''): CodeSlot & { confirmedTarget(): string } {
  let pendingTarget = '';
  return {
    binding: [key],
    replace: (codeHash, expiresAt) => challenges.put(key, { target, codeHash, expiresAt }, expiresAt),
    async latest(now) {
      const pending = await challenges.get<{ target: string; codeHash: string; expiresAt: number }>(key, now);
      // A pending enrolment that is gone (lapsed, used, or never begun) reads as a lapsed code.
      if (!pending) return { codeHash: '', attempts: 0, expiresAt: 0, consumed: true };
      pendingTarget = pending.data.target;
      return { codeHash: pending.data.codeHash, attempts: pending.attempts, expiresAt: pending.data.expiresAt, consumed: false };
    },
    takeAttempt: (max) => challenges.takeAttempt(key, max),
    consume: () => challenges.take(key),
    confirmedTarget: () => pendingTarget,
  };
}

/**
 * Issuing and checking numeric one-time codes, shared by every use of a code sent by message (reset by e-mail
 * or SMS, confirming a new address or number): ≥ 6 digits from a CSPRNG, stored only as an HMAC bound to its
 * slot, valid for a limited time, single use, a limited number of wrong tries per code; a new code voids the
 * previous one.
 */
export class OneTimeCodes {
  constructor(
    private readonly codeKey: Buffer,
    private readonly clock: Clock,
    private readonly settings: CodeSettings,
  ) {}

  get ttlSeconds(): number {
    return this.settings.codeTtlSeconds;
  }

  private digestOf(slot: CodeSlot, code: string): string {
    return hmac(this.codeKey, ...slot.binding, code);
  }

  /**
   * Creates and stores a new code and returns it for delivery. With `decoy` the stored digest matches no
   * code at all, but the work done is the same.
   */
  async issue(slot: CodeSlot, decoy = false): Promise<string> {
    const now = this.clock.now();
    const code = numericCode(this.settings.codeLength);
    const stored = decoy ? randomBytes(32).toString('base64url') : this.digestOf(slot, code);
    await slot.replace(stored, now + this.settings.codeTtlSeconds * 1000, now);
    return code;
  }

  /** Resolves when `response` is the slot's live code (and uses it up); otherwise throws what was wrong. */
  async check(slot: CodeSlot, response: string): Promise<void> {
    const code = response.replace(/[\s-]/g, '');
    const length = this.settings.codeLength;
    if (!new RegExp(`^\\d{${length}}$`).test(code)) throw new SsprError('code-malformed', { params: { length } });

    const now = this.clock.now();
    const record = await slot.latest(now);
    if (!record) throw new SsprError('code-not-sent');
    if (record.consumed || record.expiresAt <= now) {
      throw new SsprError(record.attempts >= this.settings.maxCodeAttempts ? 'code-attempts-exhausted' : 'code-expired');
    }
    if (!(await slot.takeAttempt(this.settings.maxCodeAttempts))) throw new SsprError('code-attempts-exhausted');

    if (!safeEqual(this.digestOf(slot, code), record.codeHash)) {
      const remaining = this.settings.maxCodeAttempts - (record.attempts + 1);
      if (remaining <= 0) throw new SsprError('code-attempts-exhausted');
      throw new SsprError('code-wrong', { params: { remaining } });
    }
    if (!(await slot.consume(now))) throw new SsprError('code-expired');
  }
}
