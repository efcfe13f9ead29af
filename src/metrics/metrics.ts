import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AuditEntry } from '../audit/audit-events.js';

/** A scrape's answer: the text exposition and its content type. */
export interface Exposition {
  contentType: string;
  body: string;
}

/** Which use-case a flow metric counts. */
export type FlowKind = 'reset' | 'change' | 'unlock';

/** The instruments the service records into: prom-client's (prometheus-instruments.ts), or inert ones. */
export interface MetricInstruments {
  /** Null for inert instruments: nothing can scrape them. */
  registry: Registry | null;
  httpRequests: Pick<Counter<'route' | 'method' | 'status'>, 'inc'>;
  flowsStarted: Pick<Counter<'flow'>, 'inc'>;
  flowsCompleted: Pick<Counter<'flow'>, 'inc'>;
  flowsRefused: Pick<Counter<'flow' | 'reason'>, 'inc'>;
  writebackJobs: Pick<Counter<'origin' | 'outcome'>, 'inc'>;
  writebackSeconds: Pick<Histogram<'origin' | 'outcome'>, 'observe'>;
  agentsConnected: Pick<Gauge, 'set'>;
  deliveries: Pick<Counter<'channel' | 'outcome'>, 'inc'>;
  deliveryQueue: Pick<Gauge<'queue' | 'sink' | 'state'>, 'set' | 'reset'>;
  syncRuns: Pick<Counter<'outcome'>, 'inc'>;
  syncSeconds: Pick<Histogram, 'observe'>;
  reminderRuns: Pick<Counter<'kind' | 'outcome'>, 'inc'>;
}

const ignored = { inc() {}, observe() {}, set() {}, reset() {} };

/** A class whose members are the instruments it is given: the list is written once, in MetricInstruments. */
const WithInstruments = class {
  constructor(instruments: MetricInstruments) {
    Object.assign(this, instruments);
  }
} as new (instruments: MetricInstruments) => Readonly<MetricInstruments>;

/**
 * The service's Prometheus metrics, one registry per service (tests run several). Code elsewhere increments the
 * typed members; most flow, writeback, delivery and sync figures are read off the audit events as they are
 * recorded (`observeAudit`), so a new writer of those events is counted without touching this file.
 * Label values come from fixed sets (route templates, catalogue codes, sink ids): never a user name or raw URL.
 *
 * prom-client (its registry, the process metrics' event-loop and GC observers) is loaded only where /metrics is
 * served (`metrics.port` or `metrics.token`); elsewhere nothing could read a figure, and the instruments are inert.
 */
export class Metrics extends WithInstruments {
  private readonly collectors: Array<() => Promise<void> | void> = [];
  private whole: (() => Promise<Exposition>) | null = null;

  /** Prometheus metrics when `exposed` (a scrape can reach them), inert ones otherwise. */
  static async create(options: { exposed: boolean; processMetrics?: boolean }): Promise<Metrics> {
    if (!options.exposed) return Metrics.inert();
    const { prometheusInstruments } = await import('./prometheus-instruments.js');
    return new Metrics(prometheusInstruments({ processMetrics: options.processMetrics ?? true }));
  }

  /** Metrics that record nothing (a scrape answers an empty exposition). */
  static inert(): Metrics {
    return new Metrics({
      registry: null,
      httpRequests: ignored, flowsStarted: ignored, flowsCompleted: ignored, flowsRefused: ignored, writebackJobs: ignored,
      writebackSeconds: ignored, agentsConnected: ignored, deliveries: ignored, deliveryQueue: ignored, syncRuns: ignored,
      syncSeconds: ignored, reminderRuns: ignored,
    });
  }

  /** Runs `collect` before every scrape (gauges read from elsewhere); a failing collector leaves its gauge as it was. */
  onScrape(collect: () => Promise<void> | void): void {
    this.collectors.push(collect);
  }

  /**
   * The text exposition format (version 0.0.4) and its content type: of the whole service when this process is
   * one of several workers (`answerWith`), else of this process.
   */
  async scrape(): Promise<Exposition> {
    if (!this.registry) return { contentType: 'text/plain; version=0.0.4; charset=utf-8', body: '' };
    if (this.whole) return this.whole();
    await this.collect();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** This process's figures as prom-client's metric JSON, collectors run first (what a primary aggregates). */
  async snapshot(): Promise<unknown[]> {
    if (!this.registry) return [];
    await this.collect();
    return this.registry.getMetricsAsJSON();
  }

  /** Makes `scrape` answer what `whole` builds: the figures of every worker of the service, aggregated. */
  answerWith(whole: () => Promise<Exposition>): void {
    this.whole = whole;
  }

  private async collect(): Promise<void> {
    await Promise.allSettled(this.collectors.map((collect) => collect()));
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
