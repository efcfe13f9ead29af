import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MetricInstruments } from './metrics.js';

/**
 * The service's metrics in a prom-client registry of their own, with the process metrics unless told not to.
 * With several workers the primary adds the workers' figures up (prom-client's aggregators); a gauge every worker
 * reads from the shared store takes the largest instead.
 */
export function prometheusInstruments(options: { processMetrics: boolean }): MetricInstruments {
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'sspr_' });
  return {
    registry,
    /** Requests answered, by route template (`/api/v1/reset/{id}` style, "unmatched" for 404s), method and status. */
    httpRequests: new Counter({ name: 'sspr_http_requests_total', help: 'HTTP requests answered, by route template, method and status', labelNames: ['route', 'method', 'status'] as const, registers }),
    flowsStarted: new Counter({ name: 'sspr_flows_started_total', help: 'Flows started (reset: a known, eligible user began)', labelNames: ['flow'] as const, registers }),
    flowsCompleted: new Counter({ name: 'sspr_flows_completed_total', help: 'Flows that set a password or unlocked an account', labelNames: ['flow'] as const, registers }),
    flowsRefused: new Counter({ name: 'sspr_flows_refused_total', help: 'Flows refused, by error code', labelNames: ['flow', 'reason'] as const, registers }),
    writebackJobs: new Counter({ name: 'sspr_writeback_jobs_total', help: 'Password writes to the on-premises directory, by origin and outcome', labelNames: ['origin', 'outcome'] as const, registers }),
    writebackSeconds: new Histogram({ name: 'sspr_writeback_duration_seconds', help: 'Time a directory write took, as the user waited for it', labelNames: ['origin', 'outcome'] as const, buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30], registers }),
    agentsConnected: new Gauge({ name: 'sspr_agents_connected', help: 'Writeback agents connected to this node', registers }),
    /** channel: `mail`, `sms`, or `sink:<id>` for an audit sink; outcome: delivered, retry, dead. */
    deliveries: new Counter({ name: 'sspr_deliveries_total', help: 'Delivery attempts by channel and outcome', labelNames: ['channel', 'outcome'] as const, registers }),
    deliveryQueue: new Gauge({ name: 'sspr_delivery_queue_rows', help: 'Rows of the delivery queue by queue, sink and state (queued, dead)', labelNames: ['queue', 'sink', 'state'] as const, registers, aggregator: 'max' }),
    syncRuns: new Counter({ name: 'sspr_sync_runs_total', help: 'Directory sync runs by outcome', labelNames: ['outcome'] as const, registers }),
    syncSeconds: new Histogram({ name: 'sspr_sync_duration_seconds', help: 'Duration of directory sync runs', buckets: [1, 5, 15, 60, 300, 900, 3600], registers }),
    /** For the reminder schedules: one increment per run, by kind (expiry, enrolment, …) and outcome. */
    reminderRuns: new Counter({ name: 'sspr_reminder_runs_total', help: 'Scheduled runs (reminders, nightly full sync) by job and outcome', labelNames: ['kind', 'outcome'] as const, registers }),
  };
}
