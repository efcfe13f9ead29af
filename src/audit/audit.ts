import type { Logger } from 'pino';
import type { AuditEvent, AuditRepository } from '../store/audit-repository.js';
import type { Clock } from '../store/clock.js';

/**
 * The audit trail: every step of every flow, with time, user, IP, user agent and outcome.
 * Callers pass only non-secret detail; recording never throws into the flow (a failed write is logged).
 */
export class Audit {
  constructor(
    private readonly repository: AuditRepository,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async record(event: AuditEvent): Promise<void> {
    try {
      await this.repository.record(this.clock.now(), event);
    } catch (error) {
      this.log.error({ event: event.event, err: error }, 'could not write the audit record');
    }
  }
}
