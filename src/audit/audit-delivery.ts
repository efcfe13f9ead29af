import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Clock } from '../store/clock.js';
import type { AuditRepository } from '../store/audit-repository.js';
import type { DeliveryQueueRepository } from '../store/delivery-queue-repository.js';
import { QueueWorker } from '../delivery/queue-worker.js';
import type { Metrics } from '../metrics/metrics.js';
import type { AuditSink } from './sinks/audit-sink.js';
import { auditSinkFromConfig } from './sinks/registry.js';

const POLL_MS = 2000;

/**
 * Delivers the audit queue to the configured sinks: each event is queued for each sink when it is recorded
 * (Audit), and this worker sends it, retrying with backoff until `audit.delivery.maxAttempts`, then leaving it a
 * dead letter for `sspr audit replay`. Rows of a sink no longer configured stay queued, untouched.
 */
export class AuditDelivery {
  private readonly sinks: Map<string, AuditSink>;
  private readonly worker: QueueWorker;

  constructor(deps: { config: Config; queue: DeliveryQueueRepository; auditLog: AuditRepository; clock: Clock; log: Logger; nodeId: string; metrics: Metrics }) {
    const { config, log } = deps;
    const context = { hostname: hostname(), log };
    this.sinks = new Map(config.audit.sinks.map((section) => [section.id, auditSinkFromConfig(section, context)]));
    const sinkIds = [...this.sinks.keys()];
    const longest = Math.max(1000, ...config.audit.sinks.map((section) => ('timeoutMs' in section ? section.timeoutMs : 1000)));
    const policy = config.audit.delivery;
    this.worker = new QueueWorker({
      queue: 'audit',
      repository: deps.queue,
      clock: deps.clock,
      log,
      nodeId: deps.nodeId,
      retry: { maxAttempts: policy.maxAttempts, initialBackoffMs: policy.initialBackoffSeconds * 1000, maxBackoffMs: policy.maxBackoffSeconds * 1000 },
      concurrency: policy.concurrency,
      attemptTimeoutMs: longest + 1000,
      pollMs: POLL_MS,
      sinks: () => sinkIds,
      deliver: async (row, signal) => {
        const sink = this.sinks.get(row.sink);
        if (!sink) throw new Error(`no audit sink "${row.sink}" is configured`);
        const [event] = await deps.auditLog.byIds([row.eventId ?? -1]);
        // An event removed from the trail (retention) has nothing left to send.
        if (!event) return;
        await sink.deliver(event, signal);
      },
      settled: (row, outcome) => deps.metrics.deliveries.inc({ channel: `sink:${row.sink}`, outcome }),
    });
  }

  get configured(): boolean {
    return this.sinks.size > 0;
  }

  start(): void {
    if (this.configured) this.worker.start();
  }

  /** New events were queued: deliver them now rather than at the next poll. */
  wake(): void {
    if (this.configured) this.worker.wake();
  }

  /** Resolves when the attempts running now have ended (tests). */
  drain(): Promise<void> {
    return this.worker.drain();
  }

  async stop(deadlineMs: number): Promise<void> {
    await this.worker.stop(deadlineMs);
    await Promise.allSettled([...this.sinks.values()].map((sink) => sink.close()));
  }
}
