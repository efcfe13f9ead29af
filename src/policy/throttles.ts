import type { ThrottleRepository } from '../store/throttle-repository.js';
import type { Clock } from '../store/clock.js';
import type { WriteBatch } from '../store/write-batch.js';
import { methodTypes, type SsprPolicy } from './sspr-policy.js';

const HOUR = 3_600_000;
const EMAIL_WINDOW = 10 * 60_000;

/** The clear scope of one of a user name's counters or slots (the repository stores its keyed hash). */
const userScope = (userKey: string, kind: string): string => `user:${userKey}:${kind}`;
/** The scope of the block that stops a user name's resets. */
const blockScope = (userKey: string): string => userScope(userKey, 'block');

/** Why the throttles block a user's resets (stored with the block, recorded in the audit trail). */
export const throttleReasons = ['failed-proofs', 'too-many-validations', 'too-many-emails', 'too-many-sms'] as const;
export type ThrottleReason = (typeof throttleReasons)[number];

/**
 * Entra's SSPR throttles (sspr-facts.md), counted per user name — known or not, so a throttled unknown name
 * answers like a throttled real one: 5 failed proofs in 24 h, more than 5 validations of one method type in
 * 1 h, more than 10 e-mails in 10 minutes (SMS: per hour) → blocked for 24 h; refusal notices at most one per
 * 10 minutes, counted as e-mails. A successful reset clears them.
 */
export class Throttles {
  constructor(
    private readonly repository: Pick<ThrottleRepository, 'record' | 'countSince' | 'block' | 'activeBlocks' | 'activeBlocksByScope' | 'clear' | 'takeSlot'>,
    private readonly clock: Clock,
  ) {}

  private scopes(userKey: string): string[] {
    return ['failed-proof', 'email', 'sms', 'block', 'refusal-notice', ...methodTypes.map((t) => `validate:${t}`)].map((kind) => userScope(userKey, kind));
  }

  /** The active block of this user name, if any. */
  async blockedUntil(userKey: string): Promise<{ until: number; reason: ThrottleReason } | null> {
    const [block] = await this.repository.activeBlocks([blockScope(userKey)], this.clock.now());
    return block ? { until: block.until, reason: block.reason as ThrottleReason } : null;
  }

  /** The active blocks of many user names at once, by user name key (names without a block are absent). */
  async blocksOf(userKeys: readonly string[]): Promise<Map<string, { until: number; reason: ThrottleReason }>> {
    const keyOf = new Map(userKeys.map((key) => [blockScope(key), key]));
    const blocks = await this.repository.activeBlocksByScope([...keyOf.keys()], this.clock.now());
    const byKey = new Map<string, { until: number; reason: ThrottleReason }>();
    for (const [scope, block] of blocks) byKey.set(keyOf.get(scope) as string, { until: block.until, reason: block.reason as ThrottleReason });
    return byKey;
  }

  private async count(userKey: string, kind: string, windowMs: number, limit: number, reason: ThrottleReason, policy: SsprPolicy, strictlyMore: boolean): Promise<void> {
    const now = this.clock.now();
    const scope = userScope(userKey, kind);
    await this.repository.record(scope, now);
    const n = await this.repository.countSince(scope, now - windowMs);
    if (strictlyMore ? n > limit : n >= limit) {
      await this.repository.block(blockScope(userKey), now + policy.throttles.blockHours * HOUR, reason, userKey);
    }
  }

  /** Failed proofs of this user name within the policy's window (what the doctor shows). */
  failedProofs(userKey: string, policy: SsprPolicy): Promise<number> {
    return this.repository.countSince(userScope(userKey, 'failed-proof'), this.clock.now() - policy.throttles.failedProofsWindowHours * HOUR);
  }

  failedProof(userKey: string, policy: SsprPolicy): Promise<void> {
    return this.count(userKey, 'failed-proof', policy.throttles.failedProofsWindowHours * HOUR, policy.throttles.failedProofs, 'failed-proofs', policy, false);
  }

  validation(userKey: string, type: string, policy: SsprPolicy): Promise<void> {
    return this.count(userKey, `validate:${type}`, HOUR, policy.throttles.validationsPerMethodPerHour, 'too-many-validations', policy, true);
  }

  emailSent(userKey: string, policy: SsprPolicy): Promise<void> {
    return this.count(userKey, 'email', EMAIL_WINDOW, policy.throttles.emailsPer10Minutes, 'too-many-emails', policy, true);
  }

  smsSent(userKey: string, policy: SsprPolicy): Promise<void> {
    return this.count(userKey, 'sms', HOUR, policy.throttles.smsPerHour, 'too-many-sms', policy, true);
  }

  /**
   * May a refusal notice go to this user now? At most one per user name per e-mail window; a granted notice
   * counts as a sent e-mail, so notices and codes share the e-mail limit.
   */
  async takeRefusalNotice(userKey: string, policy: SsprPolicy): Promise<boolean> {
    const now = this.clock.now();
    if (!(await this.repository.takeSlot(userScope(userKey, 'refusal-notice'), now, now + EMAIL_WINDOW))) return false;
    await this.emailSent(userKey, policy);
    return true;
  }

  /** After a successful reset (or an administrator's unblock): all counters and the block go (in `batch` when given). */
  clear(userKey: string, batch?: WriteBatch): Promise<void> {
    return this.repository.clear(this.scopes(userKey), batch);
  }
}
