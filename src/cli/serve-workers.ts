import cluster, { type Worker } from 'node:cluster';
import { metricsServed, type Config } from '../config/schema.js';
import type { Exposition } from '../metrics/metrics.js';
import { createLogger } from '../app/logger.js';
import { SCHEDULES_ENV, isWorkerMessage, type WorkerMessage } from '../app/worker-link.js';
import { openStore, migrate } from '../store/database.js';
import { SharedKeyring } from '../crypto/shared-keyring.js';
import { installTemplates } from '../mail/operator-templates.js';
import { InMemoryReplayStore } from '../captcha/replay-store.js';
import { systemClock } from '../store/clock.js';
import { SsprError } from '../errors/sspr-error.js';
import { reportError } from './runtime.js';

/** Restart delay after a worker died: doubled for every death in the last minute, at most 30 s. */
const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;
const DEATH_WINDOW_MS = 60_000;
/** Replacements that die before listening, in a row, before the primary gives up. */
const MAX_FAILED_REPLACEMENTS = 5;
/** How long a metrics scrape waits for the workers' figures. */
const COLLECT_MS = 3000;

/**
 * The primary of `sspr serve` with several workers. It runs the start-up work that must happen once (templates
 * checked, store migrated, keyring created), forks `count` workers that each run the whole server on the shared
 * listening socket, and replaces a worker that dies (with backoff, logged). If every worker dies before listening
 * at start, or replacements keep dying before listening, it exits 1 with the first worker's reason. On
 * SIGTERM/SIGINT it sends every worker SIGTERM, waits for each to drain and exit, and exits 0.
 * It also answers what needs all workers: /metrics aggregated over them, spent captcha solutions.
 */
export async function runPrimary(config: Config, count: number): Promise<void> {
  const log = createLogger(config.log.level).child({ role: 'primary' });
  installTemplates(config.templates.dir);
  const store = openStore(config.databaseUrl, config.dataDir);
  try {
    await migrate(store);
    await SharedKeyring.open(store, config.dataDir, config.secrets.masterKey);
  } finally {
    await store.close();
  }
  // The primary hands each new connection to the next worker (node's default on Linux);
  // NODE_CLUSTER_SCHED_POLICY=none leaves the choice to the kernel (measured: no clearer gain, more CPU per change).
  if (!process.env.NODE_CLUSTER_SCHED_POLICY) cluster.schedulingPolicy = cluster.SCHED_RR;

  const replays = new InMemoryReplayStore(systemClock);
  const metrics = metricsServed(config) ? await metricsAggregator() : null;
  const ready = new WeakSet<Worker>();
  const reasons = new WeakMap<Worker, string>();
  const runsSchedules = new WeakMap<Worker, boolean>();
  const live = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
  const deaths: number[] = [];
  let everReady = false;
  let failedInARow = 0;
  let firstFailure: string | null = null;
  let stopping = false;

  const answer = (worker: Worker, message: WorkerMessage) => {
    if (worker.isConnected()) worker.send(message);
  };
  const fork = (schedules: boolean): void => {
    const worker = cluster.fork(schedules ? { [SCHEDULES_ENV]: '1' } : {});
    runsSchedules.set(worker, schedules);
    worker.on('message', (message: unknown) => {
      if (!isWorkerMessage(message)) return;
      if (message.sspr === 'ready') {
        ready.add(worker);
        failedInARow = 0;
        if (!everReady) log.info({ workers: count }, 'the first worker is listening');
        everReady = true;
      } else if (message.sspr === 'start-failed') {
        reasons.set(worker, message.message);
      } else if (message.sspr === 'captcha-spend') {
        answer(worker, { sspr: 'captcha-answer', id: message.id, fresh: replays.add(message.signature, message.expiresAt) });
      } else if (message.sspr === 'metrics-request') {
        const whole = metrics ? metrics.whole(live().filter((w) => ready.has(w))).catch(() => null) : Promise.resolve(null);
        void whole.then((exposition) => answer(worker, { sspr: 'metrics-answer', id: message.id, body: exposition?.body ?? null, contentType: exposition?.contentType ?? 'text/plain' }));
      } else if (message.sspr === 'metrics-part') {
        metrics?.part(message.id, message.metrics);
      }
    });
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      const wasReady = ready.has(worker);
      const reason = reasons.get(worker) ?? `exit code ${code ?? signal}`;
      if (!wasReady) {
        failedInARow += 1;
        firstFailure ??= reason;
      }
      // At start: every worker died before one listened. Later: replacements keep dying before they listen.
      if ((!everReady && failedInARow >= count) || failedInARow > MAX_FAILED_REPLACEMENTS) {
        stopping = true;
        log.error({ reason: firstFailure ?? reason }, 'the workers cannot start');
        for (const other of live()) other.process.kill('SIGTERM');
        reportError(new SsprError('workers-not-starting', { params: { count, reason: firstFailure ?? reason } }));
      }
      const now = Date.now();
      deaths.push(now);
      while (deaths.length > 0 && (deaths[0] as number) < now - DEATH_WINDOW_MS) deaths.shift();
      const delay = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (deaths.length - 1));
      log.warn({ pid: worker.process.pid, code, signal, restartInMs: delay }, wasReady ? 'a worker died: starting another' : 'a worker stopped while starting: trying again');
      setTimeout(() => {
        if (!stopping) fork(runsSchedules.get(worker) === true);
      }, delay);
    });
  };
  for (let i = 0; i < count; i++) fork(i === 0);

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down the workers');
    const alive = live();
    if (alive.length === 0) process.exit(0);
    let left = alive.length;
    for (const worker of alive) {
      worker.once('exit', () => {
        left -= 1;
        if (left === 0) process.exit(0);
      });
      worker.process.kill('SIGTERM');
    }
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/**
 * /metrics over all workers: the asking worker's scrape collects every ready worker's figures (prom-client metric
 * JSON) and adds them up with prom-client's aggregators. prom-client is loaded only where metrics are served.
 */
async function metricsAggregator() {
  const { AggregatorRegistry } = await import('prom-client');
  let nextId = 1;
  const collecting = new Map<number, (part: unknown[]) => void>();
  return {
    part(id: number, metrics: unknown[]) {
      collecting.get(id)?.(metrics);
    },
    async whole(workers: Worker[]): Promise<Exposition> {
      const id = nextId++;
      const parts = await new Promise<unknown[][]>((resolve, reject) => {
        const got: unknown[][] = [];
        const timer = setTimeout(() => {
          collecting.delete(id);
          reject(new Error('a worker did not send its metrics in time'));
        }, COLLECT_MS);
        collecting.set(id, (part) => {
          got.push(part);
          if (got.length < workers.length) return;
          clearTimeout(timer);
          collecting.delete(id);
          resolve(got);
        });
        for (const worker of workers) worker.send({ sspr: 'metrics-collect', id } satisfies WorkerMessage);
      });
      const registry = AggregatorRegistry.aggregate(parts as Parameters<typeof AggregatorRegistry.aggregate>[0]);
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
