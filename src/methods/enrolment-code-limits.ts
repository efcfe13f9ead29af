import type { ThrottleRepository } from '../store/throttle-repository.js';
import type { Clock } from '../store/clock.js';
import { hmac } from '../crypto/tokens.js';
import { SsprError } from '../errors/sspr-error.js';

const HOUR = 3_600_000;

/** Codes sent to confirm a new address or number: per user and channel per hour, per target per day. */
export const enrolmentCodeLimits = { perUserPerHour: 5, perTargetPerDay: 3 } as const;

/**
 * Bounds the codes a signed-in user can have sent to an address or number they typed (OWASP: no mail or SMS
 * bombing through a registration form). A request over the user's budget is refused before it touches the
 * target's budget; the target's budget is shared by every account, so a victim receives at most
 * `perTargetPerDay` codes a day however many accounts try, at the price that a flood may hold up a genuine
 * enrolment of that address for a day. Targets are counted under a keyed hash, never in clear.
 */
export class EnrolmentCodeLimits {
  constructor(
    private readonly events: ThrottleRepository,
    private readonly clock: Clock,
    private readonly key: Buffer,
  ) {}

  /** Counts one code for `userId` to `target` over `channel`; throws `enrolment-codes-limited` when over a limit. */
  async take(userId: string, channel: 'email' | 'sms', target: string): Promise<void> {
    await this.count(`enrol:user:${userId}:${channel}`, HOUR, enrolmentCodeLimits.perUserPerHour);
    await this.count(`enrol:target:${hmac(this.key, 'enrolment-target', channel, target.toLowerCase()).slice(0, 32)}`, 24 * HOUR, enrolmentCodeLimits.perTargetPerDay);
  }

  private async count(scope: string, windowMs: number, limit: number): Promise<void> {
    const now = this.clock.now();
    await this.events.record(scope, now);
    if ((await this.events.countSince(scope, now - windowMs)) > limit) throw new SsprError('enrolment-codes-limited');
  }
}
