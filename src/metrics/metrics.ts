import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AuditEntry } from '../audit/audit-events.js';

/** Which use-case a flow metric counts. */
export type FlowKind = 'reset' | 'change' | 'unlock';

/**
 * The service's Prometheus metrics, one registry per service (tests run several). Code elsewhere increments the
 * typed members; most flow, writeback, delivery and sync figures are read off the audit events as they are
 * recorded (`observeAudit`), so a new writer of those events is counted without touching this file.
 * Label values come from fixed sets (route templates, catalogue codes, sink ids): never a user name or raw URL.
 */
export class Metrics {
  readonly registry = new Registry();

  /** Requests answered, by route template (`/api/v1/reset/{id}` style, "unmatched" for 404s), method and status. */
  readonly httpRequests = new Counter({ name: 'sspr_http_requests_total', help: 'HTTP requests answered, by route template, method and status', labelNames: ['route', 'method', 'status'] as const, registers: [this.registry] });
  readonly flowsStarted = new Counter({ name: 'sspr_flows_started_total', help: 'Flows started (reset: a known, eligible user began)', labelNames: ['flow'] as const, registers: [this.registry] });
  readonly flowsCompleted = new Counter({ name: 'sspr_flows_completed_total', help: 'Flows that set a password or unlocked an account', labelNames: ['flow'] as const, registers: [this.registry] });
  readonly flowsRefused = new Counter({ name: 'sspr_flows_refused_total', help: 'Flows refused, by error code', labelNames: ['flow', 'reason'] as const, registers: [this.registry] });
  readonly writebackJobs = new Counter({ name: 'sspr_writeback_jobs_total', help: 'Password writes to the on-premises directory, by origin and outcome', labelNames: ['origin', 'outcome'] as const, registers: [this.registry] });
  readonly writebackSeconds = new Histogram({ name: 'sspr_writeback_duration_seconds', help: 'Time a directory write took, as the user waited for it', labelNames: ['origin', 'outcome'] as const, buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30], registers: [this.registry] });
  readonly agentsConnected = new Gauge({ name: 'sspr_agents_connected', help: 'Writeback agents connected to this node', registers: [this.registry] });
  /** channel: `mail`, `sms`, or `sink:<id>` for an audit sink; outcome: delivered, retry, dead. */
  readonly deliveries = new Counter({ name: 'sspr_deliveries_total', help: 'Delivery attempts by channel and outcome', labelNames: ['channel', 'outcome'] as const, registers: [this.registry] });
  readonly deliveryQueue = new Gauge({ name: 'sspr_delivery_queue_rows', help: 'Rows of the delivery queue by queue, sink and state (queued, dead)', labelNames: ['queue', 'sink', 'state'] as const, registers: [this.registry] });
  readonly syncRuns = new Counter({ name: 'sspr_sync_runs_total', help: 'Directory sync runs by outcome', labelNames: ['outcome'] as const, registers: [this.registry] });
  readonly syncSeconds = new Histogram({ name: 'sspr_sync_duration_seconds', help: 'Duration of directory sync runs', buckets: [1, 5, 15, 60, 300, 900, 3600], registers: [this.registry] });
  /** For the reminder schedules: one increment per run, by kind (expiry, enrolment, …) and outcome. */
  readonly reminderRuns = new Counter({ name: 'sspr_reminder_runs_total', help: 'Scheduled runs (reminders, nightly full sync) by job and outcome', labelNames: ['kind', 'outcome'] as const, registers: [this.registry] });

  private readonly collectors: Array<() => Promise<void> | void> = [];

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'sspr_' });
  }

  /** Runs `collect` before every scrape (gauges read from elsewhere); a failing collector leaves its gauge as it was. */
  onScrape(collect: () => Promise<void> | void): void {
    this.collectors.push(collect);
  }

  /** The text exposition format (version 0.0.4) and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    await Promise.allSettled(this.collectors.map((collect) => collect()));
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Counts what an audit event says about flows, writebacks, deliveries and syncs. */
  observeAudit(entry: AuditEntry): void {
    const detail = (entry.detail ?? {}) as Record<string, unknown>;
    const reason = typeof detail.reason === 'string' ? detail.reason.slice(0, 64) : 'unknown';
    const flow = flowOf(entry.event);
    if (flow) {
      if (entry.event === 'reset-start') {
        if (entry.outcome === 'success') this.flowsStarted.inc({ flow });
        else this.flowsRefused.inc({ flow, reason });
      } else {
        // Change and unlock are one request each: every attempt starts one.
        if (flow !== 'reset') this.flowsStarted.inc({ flow });
        if (entry.event === 'reset-blocked' || entry.outcome === 'failure') this.flowsRefused.inc({ flow, reason });
        else if (entry.outcome === 'success') this.flowsCompleted.inc({ flow });
      }
      return;
    }
    const writeback = /^writeback\.([a-z-]+)\.(success|failure)$/.exec(entry.event);
    if (writeback) {
      const [, origin = '', outcome = ''] = writeback;
      this.writebackJobs.inc({ origin, outcome });
      if (typeof detail.ms === 'number') this.writebackSeconds.observe({ origin, outcome }, detail.ms / 1000);
      return;
    }
    if (entry.event === 'directory-sync') {
      this.syncRuns.inc({ outcome: entry.outcome });
      if (typeof detail.ms === 'number') this.syncSeconds.observe(detail.ms / 1000);
      return;
    }
    // A scheduled job's run (reminders, the nightly full sync), as `sspr serve` records it once per occurrence.
    if (entry.event === 'scheduled-run') this.reminderRuns.inc({ kind: typeof detail.job === 'string' ? detail.job.slice(0, 64) : 'unknown', outcome: entry.outcome });
  }
}

function flowOf(event: string): FlowKind | null {
  if (event === 'reset-start' || event === 'reset-password' || event === 'reset-blocked') return 'reset';
  if (event === 'change-password') return 'change';
  if (event === 'unlock-account') return 'unlock';
  return null;
}
