import type { Logger } from 'pino';
import type { AuditRepository } from '../store/audit-repository.js';
import type { Clock } from '../store/clock.js';
import type { WriteBatch } from '../store/write-batch.js';
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
 * An event recorded into a use-case's write batch is written by the batch's commit, together with the use-case's
 * other writes. When no batch of events is being written then, the batch takes the writer's part: the events
 * recorded earlier and not yet written go first, in the same commit, and no other batch of events is written until
 * it settles (the order holds). Otherwise its events are written as usual once it committed. A batch that rolls
 * back writes none of its own events (its owner records its act again) and hands the earlier ones back.
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

  /** Never rejects; with `batch`, resolves once the batch settled (so its owner awaits it after `commit`). */
  record<E extends AuditEventName>(entry: AuditEntry<E>, batch?: WriteBatch): Promise<void> {
    const typedAddress = !entry.userId && entry.username?.includes('@');
    const stored = typedAddress ? { ...entry, username: maskEmail(entry.username ?? '') } : entry;
    const at = this.clock.now();
    return new Promise<void>((resolve) => {
      const item = { at, entry: entry as AuditEntry, stored: stored as AuditEntry, done: resolve };
      if (batch) this.joinBatch(batch, item);
      else this.enqueue([item]);
    });
  }

  private enqueue(items: Audit['pending']): void {
    this.pending.push(...items);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.pending.length > 0 && !this.flushScheduled && !this.writing) {
      this.flushScheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  private readonly batched = new WeakMap<WriteBatch, Audit['pending']>();

  private joinBatch(batch: WriteBatch, item: Audit['pending'][number]): void {
    const joined = this.batched.get(batch);
    if (joined) {
      joined.push(item);
      return;
    }
    const own = [item];
    this.batched.set(batch, own);
    // The writer's part is taken now, when free (events recorded from here on, by anyone, wait for the batch), or
    // else when the batch commits, if free then.
    let writer = !this.writing;
    if (writer) this.writing = true;
    let written: { items: Audit['pending']; ids: number[] } | null = null;
    void batch.add(async (trx) => {
      if (!writer && this.writing) return;
      writer = true;
      this.writing = true;
      const items = [...this.pending, ...own];
      this.pending = [];
      written = { items, ids: [] };
      written.ids = await this.repository.recordMany(items.map(({ at, stored }) => ({ at, event: stored })), this.sinks, trx);
    });
    batch.onSettled((committed) => {
      const wrote = written as { items: Audit['pending']; ids: number[] } | null;
      if (committed && wrote) {
        wrote.items.forEach(({ entry, done }, index) => {
          const id = wrote.ids[index];
          if (id !== undefined) this.tell(entry, id);
          done();
        });
      } else if (committed) {
        this.enqueue(own);
      } else {
        if (wrote) this.pending.unshift(...wrote.items.filter((entry) => !own.includes(entry)));
        for (const { done } of own) done();
      }
      if (writer) {
        this.writing = false;
        this.scheduleFlush();
      }
    });
  }

  /** Resolves once every event recorded so far is written (before the store closes). */
  async drain(): Promise<void> {
    while (this.pending.length > 0 || this.writing) await new Promise((resolve) => setImmediate(resolve));
  }

  /**
   * Writes the events recorded so far in one transaction; those recorded meanwhile at the end of a later turn (so
   * that a use-case's write batch recorded into in between may take them). One writer at a time: on a pooled store
   * two overlapping transactions could commit out of order, and a caller that awaited a later event must find
   * every earlier one stored. `write` never rejects.
   */
  private async flush(): Promise<void> {
    this.flushScheduled = false;
    if (this.writing || this.pending.length === 0) return;
    this.writing = true;
    try {
      const batch = this.pending;
      this.pending = [];
      await this.write(batch);
    } finally {
      this.writing = false;
    }
    this.scheduleFlush();
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
