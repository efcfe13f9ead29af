import type { FlowsRepository } from '../methods/records.js';
import type { SessionsRepository } from '../store/sessions-repository.js';
import type { ChallengesRepository } from '../store/challenges-repository.js';
import type { ThrottleRepository } from '../store/throttle-repository.js';
import type { RateLimitRepository } from '../store/rate-limit-repository.js';
import type { AuditRepository } from '../store/audit-repository.js';

const MINUTE = 60_000;
/** The longest throttle window: `throttles.failedProofsWindowHours` may be at most 168 h (policy schema). */
export const THROTTLE_HORIZON_MS = 168 * 60 * MINUTE;
/** Rate-limit windows end within an hour (per-IP: one minute; no-script starts: one hour); older ones count for nothing. Longer than the longest window any budget counts in (the no-script budget's hour). */
const RATE_LIMIT_HORIZON_MS = 70 * MINUTE;

export interface HousekeepingParts {
  flows: FlowsRepository;
  sessions: SessionsRepository;
  challenges: ChallengesRepository;
  throttles: ThrottleRepository;
  rateLimits: RateLimitRepository;
  /** Helpdesk caller verifications: kept a day (the send limit looks back an hour, a window lasts minutes). */
  helpdesk?: { purgeBefore(before: number): Promise<void> };
  /** The audit trail and how many days it keeps events (`audit.retentionDays`). */
  audit?: { log: Pick<AuditRepository, 'purgeBefore'>; retentionDays: number };
}

/**
 * One pass of housekeeping: everything past its lifetime leaves the store (flows with their codes, sessions,
 * challenges, throttle events and blocks, rate-limit windows, audit events older than the retention).
 */
export async function housekeep(parts: HousekeepingParts, now: number): Promise<void> {
  await parts.flows.purgeExpired(now);
  await parts.sessions.purgeExpired(now);
  await parts.challenges.purgeExpired(now);
  await parts.throttles.purge(now, now - THROTTLE_HORIZON_MS);
  await parts.rateLimits.purgeBefore(now - RATE_LIMIT_HORIZON_MS);
  await parts.helpdesk?.purgeBefore(now - 24 * 60 * MINUTE);
  if (parts.audit) await parts.audit.log.purgeBefore(now - parts.audit.retentionDays * 24 * 60 * MINUTE);
}
