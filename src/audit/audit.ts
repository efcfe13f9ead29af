import type { Logger } from 'pino';
import type { AuditRepository } from '../store/audit-repository.js';
import type { Clock } from '../store/clock.js';
import type { AuditEntry, AuditEventName } from './audit-events.js';
import { maskEmail } from '../methods/hints.js';

/** Told of every event once it is stored (metrics, the sink worker's wake-up); never throws into the flow. */
export type AuditListener = (entry: AuditEntry, id: number) => void;

/**
 * The audit trail: every step of every flow, with time, user, IP, user agent and outcome.
 * Callers pass only non-secret detail; recording never throws into the flow (a failed write is logged).
 * The event name picks the detail type from the catalogue (audit-events.ts).
 * A name that matched no account and looks like an e-mail address is stored masked (`a•••••@e•••••.org`):
 * people type their address into the user-name field, and the trail must not collect addresses in clear.
 * Each event is queued, in the same write, for every configured sink (`sinks`): delivery happens later, from
 * the store, so a slow or dead sink never slows the flow that recorded the event.
 */
export class Audit {
  private readonly listeners: AuditListener[] = [];

  constructor(
    private readonly repository: AuditRepository,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly sinks: readonly string[] = [],
  ) {}

  /** Adds a listener told of every stored event. */
  onRecord(listener: AuditListener): void {
    this.listeners.push(listener);
  }

  async record<E extends AuditEventName>(entry: AuditEntry<E>): Promise<void> {
    let id: number;
    try {
      const typedAddress = !entry.userId && entry.username?.includes('@');
      id = await this.repository.record(this.clock.now(), typedAddress ? { ...entry, username: maskEmail(entry.username ?? '') } : entry, this.sinks);
    } catch (error) {
      this.log.error({ event: entry.event, err: error }, 'could not write the audit record');
      return;
    }
    for (const listener of this.listeners) {
      try {
        listener(entry as AuditEntry, id);
      } catch (error) {
        this.log.warn({ event: entry.event, err: error }, 'an audit listener failed');
      }
    }
  }
}
