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
 * Group commit: the events recorded in one turn of the event loop (one request's follow-ups, and those of every
 * request answered in the same turn) are written in one transaction, in the order recorded, at the end of that
 * turn (`setImmediate`), one batch after another; `record` resolves once its event is stored, so a caller that
 * awaits it sees it, and every event recorded before it, stored.
 */
export class Audit {
  private readonly listeners: AuditListener[] = [];
  private pending: Array<{ at: number; entry: AuditEntry; stored: AuditEntry; done: () => void }> = [];
  private flushScheduled = false;
  /** A batch is being written: new events wait for it, so batches commit one after another, in order. */
  private writing = false;

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

  record<E extends AuditEventName>(entry: AuditEntry<E>): Promise<void> {
    const typedAddress = !entry.userId && entry.username?.includes('@');
    const stored = typedAddress ? { ...entry, username: maskEmail(entry.username ?? '') } : entry;
    const at = this.clock.now();
    return new Promise<void>((resolve) => {
      this.pending.push({ at, entry: entry as AuditEntry, stored: stored as AuditEntry, done: resolve });
      if (!this.flushScheduled && !this.writing) {
        this.flushScheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Resolves once every event recorded so far is written (before the store closes). */
  async drain(): Promise<void> {
    while (this.pending.length > 0 || this.writing) await new Promise((resolve) => setImmediate(resolve));
  }

  /**
   * Writes the events recorded so far in one transaction, then those recorded meanwhile, until none wait. One
   * writer at a time: on a pooled store two overlapping transactions could commit out of order, and a caller that
   * awaited a later event must find every earlier one stored. `write` never rejects.
   */
  private async flush(): Promise<void> {
    this.flushScheduled = false;
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        await this.write(batch);
      }
    } finally {
      this.writing = false;
    }
  }

  private async write(batch: Audit['pending']): Promise<void> {
    let ids: Array<number | null>;
    try {
      ids = await this.repository.recordMany(batch.map(({ at, stored }) => ({ at, event: stored })), this.sinks);
    } catch {
      ids = [];
      for (const { at, entry, stored } of batch) {
        try {
          ids.push(await this.repository.record(at, stored, this.sinks));
        } catch (error) {
          this.log.error({ event: entry.event, err: error }, 'could not write the audit record');
          ids.push(null);
        }
      }
    }
    batch.forEach(({ entry, done }, index) => {
      const id = ids[index];
      if (id !== null && id !== undefined) this.tell(entry, id);
      done();
    });
  }

  private tell(entry: AuditEntry, id: number): void {
    for (const listener of this.listeners) {
      try {
        listener(entry, id);
      } catch (error) {
        this.log.warn({ event: entry.event, err: error }, 'an audit listener failed');
      }
    }
  }
}
