/**
 * Jobs `sspr serve` runs by cron expression (croner): expiry and enrolment reminders, the nightly full sync.
 *
 * One run per occurrence across nodes: when an occurrence fires, each node claims (job, scheduled time) in the
 * store and only the node that wins runs it; the others log and skip. Within a node a job never overlaps itself
 * (croner `protect`): an occurrence that fires while the previous run is still going is skipped. Times follow the
 * server's local time zone. A failed run is logged and audited and the schedule goes on; `stop()` cancels the
 * future occurrences and waits for runs in flight.
 */
import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { Audit } from '../audit/audit.js';
import { SsprError } from '../errors/sspr-error.js';
import type { Clock } from '../store/clock.js';
import type { RemindersRepository } from '../store/reminders-repository.js';

export interface ScheduledJob {
  /** Stable name: the claim key and the audit detail ('expiry-reminders', 'enrolment-reminders', 'full-sync'). */
  name: string;
  pattern: string;
  /** Does the work; the counts it returns go into the audit record. */
  run(): Promise<{ sent?: number; skipped?: number } | void>;
}

export interface CronScheduleDeps {
  store: Pick<RemindersRepository, 'claimOccurrence'>;
  nodeId: string;
  clock: Clock;
  log: Logger;
  audit: Pick<Audit, 'record'>;
}

export class CronSchedule {
  private readonly crons: Cron[] = [];
  private readonly running = new Set<Promise<void>>();
  /** Occurrences this node ran, by job (for tests and diagnostics). */
  readonly ran = new Map<string, number>();

  constructor(
    private readonly jobs: readonly ScheduledJob[],
    private readonly deps: CronScheduleDeps,
  ) {}

  start(): void {
    for (const job of this.jobs) {
      const cron = new Cron(job.pattern, { protect: true }, async (self: Cron) => {
        const occurrence = self.currentRun()?.getTime() ?? this.deps.clock.now();
        const done = this.occur(job, occurrence);
        this.running.add(done);
        try {
          await done;
        } finally {
          this.running.delete(done);
        }
      });
      this.crons.push(cron);
      this.deps.log.info({ job: job.name, schedule: job.pattern, next: cron.nextRun()?.toISOString() ?? null }, 'scheduled job');
    }
  }

  async stop(): Promise<void> {
    for (const cron of this.crons.splice(0)) cron.stop();
    await Promise.allSettled([...this.running]);
  }

  private async occur(job: ScheduledJob, occurrence: number): Promise<void> {
    const { store, nodeId, clock, log, audit } = this.deps;
    try {
      if (!(await store.claimOccurrence(job.name, occurrence, nodeId, clock.now()))) {
        log.debug({ job: job.name, occurrence: new Date(occurrence).toISOString() }, 'scheduled job taken by another node');
        return;
      }
      this.ran.set(job.name, (this.ran.get(job.name) ?? 0) + 1);
      const counts = (await job.run()) ?? {};
      log.info({ job: job.name, ...counts }, 'scheduled job done');
      await audit.record({ event: 'scheduled-run', outcome: 'success', detail: { job: job.name, occurrence, ...counts } });
    } catch (error) {
      log.error({ err: error, job: job.name }, 'scheduled job failed');
      await audit
        .record({ event: 'scheduled-run', outcome: 'failure', detail: { job: job.name, occurrence, reason: error instanceof SsprError ? error.code : 'failed' } })
        .catch(() => undefined);
    }
  }
}
