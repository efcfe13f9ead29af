import type { Logger } from 'pino';
import type { AuditRepository } from '../store/audit-repository.js';
import type { Clock } from '../store/clock.js';
import type { AuditEntry, AuditEventName } from './audit-events.js';
import { maskEmail } from '../methods/hints.js';

/**
 * The audit trail: every step of every flow, with time, user, IP, user agent and outcome.
 * Callers pass only non-secret detail; recording never throws into the flow (a failed write is logged).
 * The event name picks the detail type from the catalogue (audit-events.ts).
 * A name that matched no account and looks like an e-mail address is stored masked (`a•••••@e•••••.org`):
 * people type their address into the user-name field, and the trail must not collect addresses in clear.
 */
export class Audit {
  constructor(
    private readonly repository: AuditRepository,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async record<E extends AuditEventName>(entry: AuditEntry<E>): Promise<void> {
    try {
      const typedAddress = !entry.userId && entry.username?.includes('@');
      await this.repository.record(this.clock.now(), typedAddress ? { ...entry, username: maskEmail(entry.username ?? '') } : entry);
    } catch (error) {
      this.log.error({ event: entry.event, err: error }, 'could not write the audit record');
    }
  }
}
