import type { Logger } from 'pino';
import type { Clock } from '../store/clock.js';
import type { WriteBatch } from '../store/write-batch.js';
import type { DeliveryQueueRepository, QueueName, QueuedDelivery } from '../store/delivery-queue-repository.js';

export interface RetryPolicy {
  /** Attempts in all, the first included; the row is a dead letter after the last one fails. */
  maxAttempts: number;
  /** Delay before the second attempt; doubled for each further one, at most `maxBackoffMs`. */
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/**
 * The delay before attempt `attempts + 1`, with "equal jitter": half the exponential delay fixed, half random, so
 * nodes and rows that failed together do not all retry together, and none retries at once.
 */
export function backoffMs(policy: RetryPolicy, attempts: number, random = Math.random()): number {
  const exponential = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential / 2 + (exponential / 2) * random);
}

export type AttemptOutcome = 'delivered' | 'retry' | 'dead';

export interface QueueWorkerOptions {
  queue: QueueName;
  repository: DeliveryQueueRepository;
  clock: Clock;
  log: Logger;
  /** This process's id in the lease columns. */
  nodeId: string;
  retry: RetryPolicy;
  /** Attempts running at once (across all sinks of the queue). */
  concurrency: number;
  /** Milliseconds one attempt may take before it counts as failed. */
  attemptTimeoutMs: number;
  /** How often the queue is looked at when nothing wakes the worker. */
  pollMs: number;
  /** Only rows of these sinks are claimed (a sink removed from the configuration keeps its rows). */
  sinks: () => readonly string[];
  /** Delivers one row or throws. */
  deliver(row: QueuedDelivery, signal: AbortSignal): Promise<void>;
  /**
   * Told after every attempt (metrics, audit of failures). Never throws into the worker. With `batch` (a delivery,
   * when `batches` is given), its store writes go into that batch, which commits with the row's removal; then it
   * must not wait for them.
   */
  settled?(row: QueuedDelivery, outcome: AttemptOutcome, error?: string, batch?: WriteBatch): void | Promise<void>;
  /** The store's write batches: a delivered outbox row is removed in the same commit as what `settled` writes. */
  batches?: { begin(): WriteBatch };
}

class ShutdownAbort extends Error {}

/** An attempt's deadline passed (the reason its controller is aborted with, see QueueWorker.run). */
function isTimeout(reason: unknown): boolean {
  return reason instanceof Error && reason.name === 'TimeoutError';
}

/**
 * Works one queue of the store: claims due rows with a lease, runs at most `concurrency` attempts at once, each
 * within `attemptTimeoutMs`, and records the outcome (delivered, retry after a backoff, or dead letter). The work
 * is driven by the store alone, so nothing is lost when the process dies: a leased row whose lease runs out is
 * claimed again (at least once). Callers never wait for it.
 */
export class QueueWorker {
  private readonly inFlight = new Map<number, { promise: Promise<void>; abort: AbortController }>();
  private timer: NodeJS.Timeout | null = null;
  private pumping: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /**
   * Whether due rows may be waiting for a free slot: the last look at the queue filled every slot, or found none
   * free. Only then does an attempt that ends look at the queue again; otherwise new rows of other nodes or
   * earlier runs wait for the next poll, and this node's own new rows never wait (they are attempted at once).
   */
  private backlog = true;
  /** Rows delivered in this turn of the event loop, waiting for their shared commit (deliveredInBatch). */
  private delivered: Array<{ row: QueuedDelivery; done: (written: boolean) => void }> = [];

  constructor(private readonly options: QueueWorkerOptions) {}

  /** The lease of a claim: long enough that an attempt never outlives it. */
  get leaseMs(): number {
    return Math.max(30_000, 3 * this.options.attemptTimeoutMs);
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => {
      this.backlog = true;
      this.wake();
    }, this.options.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Looks at the queue now (new rows were queued). */
  wake(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  private async pump(): Promise<void> {
    try {
      while (!this.stopped) {
        const free = this.options.concurrency - this.inFlight.size;
        const sinks = this.options.sinks();
        if (sinks.length === 0) return;
        if (free <= 0) {
          this.backlog = true;
          return;
        }
        this.backlog = false;
        const rows = await this.options.repository.claim(this.options.queue, this.options.nodeId, this.options.clock.now(), this.leaseMs, free, sinks);
        for (const row of rows) this.attempt(row);
        if (rows.length < free) return;
        this.backlog = true;
      }
    } catch (error) {
      this.options.log.warn({ queue: this.options.queue, err: error }, 'could not read the delivery queue');
    }
  }

  /**
   * Attempts a row this node already holds the lease of (a message queued and sent at once). Such attempts do not
   * wait for a free slot: a fresh code never queues behind retries. `deliver` stands in for the queue's own when
   * the caller still holds what the row seals (no need to open it again).
   */
  attempt(row: QueuedDelivery, deliver: QueueWorkerOptions['deliver'] = (r, signal) => this.options.deliver(r, signal)): Promise<void> {
    const abort = new AbortController();
    const promise = this.run(row, abort, deliver).finally(() => {
      this.inFlight.delete(row.id);
      if (this.backlog) this.wake();
    });
    this.inFlight.set(row.id, { promise, abort });
    return promise;
  }

  /**
   * One attempt. Its signal is the attempt's own controller, aborted by shutdown (ShutdownAbort) or by its deadline
   * (a TimeoutError DOMException, as AbortSignal.timeout gives); the deadline's timer is cleared when the attempt
   * ends. AbortSignal.any over AbortSignal.timeout would cost each attempt weak references, a finalisation
   * registration and a timer left pending for the whole deadline after the attempt ended.
   */
  private async run(row: QueuedDelivery, abort: AbortController, deliver: QueueWorkerOptions['deliver']): Promise<void> {
    const { repository, nodeId, clock, retry, attemptTimeoutMs } = this.options;
    const signal = abort.signal;
    let outcome: AttemptOutcome;
    let reason: string | undefined;
    const deadline = setTimeout(() => abort.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), attemptTimeoutMs);
    deadline.unref();
    try {
      try {
        await new Promise<void>((resolve, reject) => {
          // The deadline holds even for a sink that ignores its signal.
          const onAbort = () => reject(isTimeout(signal.reason) ? new Error(`no answer within ${attemptTimeoutMs} ms`) : signal.reason as Error);
          signal.addEventListener('abort', onAbort, { once: true });
          deliver(row, signal).then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
        });
      } finally {
        clearTimeout(deadline);
      }
      if (row.queue === 'outbox' && this.options.batches && this.options.settled && (await this.deliveredInBatch(row, this.options.batches))) return;
      await repository.delivered(row, nodeId, clock.now());
      outcome = 'delivered';
    } catch (error) {
      if (abort.signal.aborted && abort.signal.reason instanceof ShutdownAbort) {
        await repository.release(row, nodeId).catch(() => undefined);
        return;
      }
      reason = error instanceof Error ? error.message : String(error);
      const attempts = row.attempts + 1;
      const next = attempts >= retry.maxAttempts ? 'dead' : { at: clock.now() + backoffMs(retry, attempts) };
      await repository.failed(row, nodeId, reason, next).catch((storeError: unknown) => this.options.log.warn({ err: storeError }, 'could not record a failed delivery'));
      outcome = next === 'dead' ? 'dead' : 'retry';
      this.options.log[outcome === 'dead' ? 'error' : 'warn']({ queue: this.options.queue, sink: row.sink, row: row.id, attempts, reason }, outcome === 'dead' ? 'delivery given up (dead letter)' : 'delivery failed, will retry');
    }
    try {
      await this.options.settled?.(row, outcome, reason);
    } catch (error) {
      this.options.log.warn({ err: error }, 'delivery follow-up failed');
    }
  }

  /**
   * Removes a delivered row and writes what `settled` records in one commit, shared by every row delivered in the
   * same turn of the event loop (group commit: many messages sent together cost one commit, not one each); false
   * (nothing of this group written) when that commit failed, and the caller writes them one at a time.
   */
  private deliveredInBatch(row: QueuedDelivery, batches: { begin(): WriteBatch }): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      this.delivered.push({ row, done: resolve });
      if (this.delivered.length === 1) setImmediate(() => void this.commitDelivered(batches.begin()));
    });
  }

  private async commitDelivered(batch: WriteBatch): Promise<void> {
    const { repository, nodeId, clock } = this.options;
    const group = this.delivered.splice(0);
    try {
      const told: Array<void | Promise<void>> = [];
      for (const { row } of group) {
        void repository.delivered(row, nodeId, clock.now(), batch);
        told.push(this.options.settled?.(row, 'delivered', undefined, batch));
      }
      await batch.commit();
      await Promise.all(told);
      for (const { done } of group) done(true);
    } catch (error) {
      batch.discard(error);
      for (const { done } of group) done(false);
    }
  }

  /** Resolves when the attempts running now have ended. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0 || this.pumping) {
      await Promise.allSettled([...[...this.inFlight.values()].map((entry) => entry.promise), this.pumping]);
    }
  }

  /**
   * Stops claiming, waits for the attempts in flight at most `deadlineMs`, then abandons the rest: their rows go
   * back to the queue untouched (released), to be sent by the next process.
   */
  async stop(deadlineMs: number): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    let timeout: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timeout = setTimeout(resolve, deadlineMs);
    });
    await Promise.race([this.drain(), deadline]);
    clearTimeout(timeout);
    const left = [...this.inFlight.values()];
    for (const entry of left) entry.abort.abort(new ShutdownAbort('shutting down'));
    await Promise.allSettled(left.map((entry) => entry.promise));
  }
}
