import type { Logger } from 'pino';
import type { AuditEvent, AuditRepository } from '../store/audit-repository.js';
import type { Clock } from '../store/clock.js';
import { maskEmail } from '../methods/hints.js';

/**
 * The audit trail: every step of every flow, with time, user, IP, user agent and outcome.
 * Callers pass only non-secret detail; recording never throws into the flow (a failed write is logged).
 * A name that matched no account and looks like an e-mail address is stored masked (`a•••••@e•••••.org`):
 * people type their address into the user-name field, and the trail must not collect addresses in clear.
 */
export class Audit {
  constructor(
    private readonly repository: AuditRepository,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async record(event: AuditEvent): Promise<void> {
    try {
      const typedAddress = !event.userId && event.username?.includes('@');
      await this.repository.record(this.clock.now(), typedAddress ? { ...event, username: maskEmail(event.username ?? '') } : event);
    } catch (error) {
      this.log.error({ event: event.event, err: error }, 'could not write the audit record');
    }
  }
}
