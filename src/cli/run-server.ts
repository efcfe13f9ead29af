import type { Config } from '../config/schema.js';
import { createLogger } from '../app/logger.js';
import { createServices, type Services } from '../app/services.js';
import { buildServer } from '../web/server.js';
import { canSync, runServiceSync } from '../app/service-sync.js';
import { SyncSchedule } from '../sync/sync-schedule.js';
import { SsprError } from '../errors/sspr-error.js';
import { startMetricsServer } from '../web/metrics-routes.js';
import { CronSchedule, type ScheduledJob } from '../reminders/cron-schedule.js';
import { SCHEDULES_ENV, workerLink } from '../app/worker-link.js';
import { HEAP_GROWING_PERCENT, limitHeapGrowth } from './heap-growth.js';

/**
 * Starts the service (or, as one of several workers of `sspr serve`, this worker's share of it, telling the
 * primary when it listens or why it could not start) and stops it cleanly on SIGTERM/SIGINT: stop the sync schedule (aborting a run in flight),
 * stop accepting, finish requests in flight, give mail in flight up to `outbox.shutdownDeadlineSeconds` (the rest
 * stays queued in the store for the next start), close the store, exit 0.
 */
export async function runServer(config: Config, before?: (services: Services) => Promise<void>): Promise<void> {
  limitHeapGrowth(HEAP_GROWING_PERCENT.serve);
  const link = workerLink();
  if (!link) return serve(config, before);
  // A worker of several: the primary prints the first failure's sentence if no worker can start.
  await serve(config, before).catch(async (error: unknown) => {
    await link.tell({ sspr: 'start-failed', message: error instanceof Error ? error.message : String(error) });
    throw error;
  });
  await link.tell({ sspr: 'ready' });
}

async function serve(config: Config, before?: (services: Services) => Promise<void>): Promise<void> {
  const link = workerLink();
  const log = createLogger(config.log.level);
  // A worker's primary migrated the store and created its keyring before forking it.
  const services = await createServices(config, log, { migrated: link !== null });
  if (before) await before(services);
  const app = await buildServer(services);
  const address = await app.listen({ port: config.port, host: config.host }).catch(async (error: unknown) => {
    await services.close();
    throw listenFault(error, config) ?? error;
  });
  const metricsApp = await startMetricsServer(services).catch(async (error: unknown) => {
    await app.close();
    await services.close();
    throw listenFault(error, { ...config, port: config.metrics.port ?? 0, host: config.metrics.host }) ?? error;
  });
  if (metricsApp) log.info({ port: config.metrics.port, host: config.metrics.host }, 'metrics are served on their own port');
  const url = config.publicUrl ?? address;
  log.info({ url, store: services.store.location }, 'sspr is listening');
  process.stdout.write(`sspr is running at ${url}\n`);
  // Of several workers, one runs the schedules (the primary names it); cron occurrences are claimed in the store anyway.
  const schedules = !link || process.env[SCHEDULES_ENV] === '1';
  const schedule = schedules ? syncScheduleFor(services) : null;
  schedule?.start();
  const cron = schedules ? cronScheduleFor(services) : null;
  cron?.start();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await schedule?.stop();
    await cron?.stop();
    await app.close();
    await metricsApp?.close();
    await services.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  // A worker whose primary is gone stops too: nothing would replace it or stop it.
  if (link) process.once('disconnect', () => void stop('disconnect'));
}

/** A port that cannot be opened, as one operator sentence; null for other faults. */
function listenFault(error: unknown, config: Config): SsprError | null {
  const code = (error as NodeJS.ErrnoException).code;
  const params = { port: config.port, host: config.host, code: code ?? 'error' };
  if (code === 'EADDRINUSE') return new SsprError('port-in-use', { params });
  if (code === 'EACCES' || code === 'EPERM') return new SsprError('port-not-permitted', { params });
  return null;
}

/**
 * The scheduled directory sync (`sync.intervalMinutes` > 0, and a `directory` configured or agent mode, where an
 * agent reads the directory for the server), or null.
 */
function syncScheduleFor(services: Services): SyncSchedule | null {
  const { config } = services;
  if (!canSync(services) || config.sync.intervalMinutes === 0) return null;
  services.log.info({ intervalMinutes: config.sync.intervalMinutes }, 'directory sync scheduled');
  return new SyncSchedule({
    intervalMs: config.sync.intervalMinutes * 60_000,
    run: (signal) => runServiceSync(services, { signal }),
    log: services.log,
    audit: services.audit,
  });
}

/**
 * The cron jobs the config asks for (`reminders.expiry.schedule`, `reminders.enrolment.schedule`,
 * `sync.fullSchedule`), or null when it asks for none.
 */
export function cronScheduleFor(services: Services): CronSchedule | null {
  const { config, reminders } = services;
  const jobs: ScheduledJob[] = [];
  const counted = (report: { notices: Array<{ state: string }> }) => ({
    sent: report.notices.filter((n) => n.state === 'sent').length,
    skipped: report.notices.filter((n) => n.state !== 'sent').length,
  });
  if (config.reminders.expiry.schedule) {
    jobs.push({ name: 'expiry-reminders', pattern: config.reminders.expiry.schedule, run: async () => counted(await reminders.expiry.run({ dryRun: false })) });
  }
  if (config.reminders.enrolment.schedule) {
    jobs.push({ name: 'enrolment-reminders', pattern: config.reminders.enrolment.schedule, run: async () => counted(await reminders.enrolment.run({ dryRun: false })) });
  }
  if (config.sync.fullSchedule) {
    if (canSync(services)) jobs.push({ name: 'full-sync', pattern: config.sync.fullSchedule, run: async () => void (await runServiceSync(services, { full: true })) });
    else services.log.warn('sync.fullSchedule is set but there is no directory to sync (directory, or writeback.mode "agent")');
  }
  if (jobs.length === 0) return null;
  const reminding = Boolean(config.reminders.expiry.schedule || config.reminders.enrolment.schedule);
  if (reminding && !config.publicUrl) services.log.warn('reminders are scheduled but publicUrl is not set: their links name the listening address');
  const smsWanted = [config.reminders.expiry, config.reminders.enrolment].some((section) => section.schedule && section.channels.includes('sms'));
  if (smsWanted && !services.sms) services.log.warn('reminders list the sms channel but no SMS provider is configured (sms.provider): they go by e-mail only');
  return new CronSchedule(jobs, { store: reminders.store, nodeId: services.writeback.nodeId, clock: services.clock, log: services.log, audit: services.audit });
}
