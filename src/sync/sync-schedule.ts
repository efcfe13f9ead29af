/**
 * The directory sync that `sspr serve` runs on a schedule (`sync.intervalMinutes`).
 *
 * Contract: the first run starts at `start()`, each later one `intervalMs` after the previous one ended, so two
 * runs never overlap. A failed run is logged and audited (`directory-sync`, outcome failure) and the schedule
 * goes on; nothing it throws reaches the server. `stop()` cancels the next run and aborts the one in flight
 * (its marker is not written, so the next start repeats it) and resolves once that run has settled.
 */
import type { Logger } from 'pino';
import type { Audit } from '../audit/audit.js';
import { SsprError } from '../errors/sspr-error.js';
import { summaryLine } from './directory-sync.js';
import type { SyncSummary } from './sync-types.js';

export type ScheduledSync = (signal: AbortSignal) => Promise<SyncSummary & { kind: string }>;

export interface SyncScheduleOptions {
  /** Pause between the end of one run and the start of the next (`sync.intervalMinutes` × 60,000 in `serve`). */
  intervalMs: number;
  run: ScheduledSync;
  log: Logger;
  audit: Audit;
}

export class SyncSchedule {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private abort: AbortController | null = null;
  private stopped = false;
  /** Runs finished so far, successful or not (for tests and diagnostics). */
  completedRuns = 0;

  constructor(private readonly options: SyncScheduleOptions) {
    if (!(options.intervalMs > 0)) throw new Error('the sync interval must be positive');
  }

  start(): void {
    if (this.stopped || this.running || this.timer) return;
    this.runOnce();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort?.abort();
    await this.running;
  }

  private runOnce(): void {
    this.timer = null;
    const abort = (this.abort = new AbortController());
    this.running = this.execute(abort.signal).finally(() => {
      this.running = null;
      this.abort = null;
      this.completedRuns += 1;
      if (!this.stopped) this.timer = setTimeout(() => this.runOnce(), this.options.intervalMs).unref();
    });
  }

  private async execute(signal: AbortSignal): Promise<void> {
    const { log, audit } = this.options;
    const begun = performance.now();
    try {
      const summary = await this.options.run(signal);
      log.info({ sync: { mode: summary.mode, accounts: summary.accounts, groups: summary.groups } }, summaryLine(summary));
      await audit.record({
        event: 'directory-sync',
        outcome: 'success',
        detail: {
          directory: summary.kind,
          mode: summary.mode,
          created: summary.accounts.created,
          updated: summary.accounts.updated,
          disabled: summary.accounts.disabled,
          groupsChanged: summary.groups.created + summary.groups.updated,
          ms: Math.round(performance.now() - begun),
        },
      });
    } catch (error) {
      if (signal.aborted) {
        log.info('scheduled directory sync stopped by shutdown; the next start repeats it');
        return;
      }
      // Raw directory and database messages go to the log only; the audit record carries a code.
      log.error({ err: error }, 'scheduled directory sync failed');
      await audit.record({ event: 'directory-sync', outcome: 'failure', detail: { reason: error instanceof SsprError ? error.code : 'sync-failed', ms: Math.round(performance.now() - begun) } });
    }
  }
}
