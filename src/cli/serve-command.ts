import { Command } from 'commander';
import { configFrom, guarded } from './runtime.js';
import type { Config } from '../config/schema.js';
import { createLogger } from '../app/logger.js';
import { createServices, type Services } from '../app/services.js';
import { buildServer } from '../web/server.js';
import { canSync, runServiceSync } from '../app/service-sync.js';
import { SyncSchedule } from '../sync/sync-schedule.js';
import { SsprError } from '../errors/sspr-error.js';
import { startMetricsServer } from '../web/metrics-routes.js';

/**
 * Starts the service and stops it cleanly on SIGTERM/SIGINT: stop the sync schedule (aborting a run in flight),
 * stop accepting, finish requests in flight, give mail in flight up to `outbox.shutdownDeadlineSeconds` (the rest
 * stays queued in the store for the next start), close the store, exit 0.
 */
export async function runServer(config: Config, before?: (services: Services) => Promise<void>): Promise<void> {
  const log = createLogger(config.log.level);
  const services = await createServices(config, log);
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
  const schedule = syncScheduleFor(services);
  schedule?.start();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await schedule?.stop();
    await app.close();
    await metricsApp?.close();
    await services.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
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

export function serveCommand(): Command {
  return new Command('serve').description('run the web service (migrates the store first)').action(guarded(async (_options: unknown, command: Command) => {
    await runServer(configFrom(command));
  }));
}
