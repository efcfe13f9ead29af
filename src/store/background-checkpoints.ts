/**
 * Checkpoints of a SQLite store off the calling thread, for bulk writes (bulk-writes.ts). A checkpoint copies the
 * write-ahead log into the database file in one synchronous call; run by the writing connection (SQLite's
 * automatic checkpoint, inside a commit) it held the event loop for up to 600 ms during a directory sync. Here a
 * worker thread with a connection of its own checkpoints every `INTERVAL_MS` until stopped, while the writer goes
 * on: a PASSIVE checkpoint blocks neither. The log starts over from its beginning only when a write transaction
 * begins with all of it copied, which a writer that never stops never sees: so once the log holds `LOG_LIMIT`
 * frames, the writer awaits `pace()` between its transactions — a checkpoint that copies the rest — and the log
 * stays within a few times that size.
 *
 * Contract: `start` answers null when no worker can be started (the caller keeps automatic checkpoints); a worker
 * that fails later stops checkpointing with one process warning `SSPR_SQLITE_CHECKPOINT_THREAD` and calls
 * `onFailure` (the caller turns automatic checkpoints back on).
 */
import { Worker } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { IMPORT_WORKER_MODULE, workerModule } from '../threads/worker-module.js';
import type { CheckpointAnswer } from './checkpoint-thread.js';

const INTERVAL_MS = 100;
/** Log frames (pages, 4 KiB each) from which `pace()` waits for a checkpoint. */
const LOG_LIMIT = 4096;

export class BackgroundCheckpoints {
  private stopping = false;
  private failed = false;
  private readonly running: Promise<void>;
  /** The checkpoints asked for, one at a time (the worker answers in order; each awaits its own answer). */
  private queue: Promise<CheckpointAnswer | null> = Promise.resolve(null);
  /** Frames in the log at the last checkpoint, and whether it copied them all. */
  private last: CheckpointAnswer = { log: 0, checkpointed: 0 };
  /** How many checkpoints ran. */
  count = 0;

  private constructor(
    private readonly worker: Worker,
    private readonly onFailure: () => void,
  ) {
    worker.on('error', (error) => this.fail(String(error)));
    this.running = this.loop();
  }

  /** Starts checkpointing the SQLite file `file`; null when no worker could be started. */
  static start(file: string, onFailure: () => void): BackgroundCheckpoints | null {
    const thread = workerModule('checkpoint-thread', import.meta.url);
    const starter = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { url, fromSource, file } = workerData;
      ${IMPORT_WORKER_MODULE}.then((m) => m.serveCheckpoints(parentPort, file));`;
    try {
      return new BackgroundCheckpoints(new Worker(starter, { eval: true, workerData: { url: thread.url, fromSource: thread.fromSource, file } }), onFailure);
    } catch {
      return null;
    }
  }

  /** For the writer, between transactions: resolves at once while the log is short, else after a checkpoint. */
  async pace(): Promise<void> {
    if (this.failed || this.last.log < LOG_LIMIT) return;
    await this.checkpoint();
  }

  /** Waits for the checkpoint under way, copies what the log holds by now, and ends the worker. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
    if (!this.failed && (await this.checkpoint())) this.count += 1;
    await this.worker.terminate();
  }

  private async loop(): Promise<void> {
    while (!this.stopping && !this.failed) {
      const answer = await this.checkpoint();
      if (answer === null) return;
      this.count += 1;
      if (!this.stopping) await sleep(INTERVAL_MS);
    }
  }

  private checkpoint(): Promise<CheckpointAnswer | null> {
    const next = this.queue.then(() => this.ask());
    this.queue = next;
    return next;
  }

  private ask(): Promise<CheckpointAnswer | null> {
    if (this.failed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const answered = (answer: CheckpointAnswer): void => {
        this.worker.off('exit', exited);
        this.last = answer;
        resolve(answer);
      };
      const exited = (code: number): void => {
        this.worker.off('message', answered);
        this.fail(`the worker exited (code ${code})`);
        resolve(null);
      };
      this.worker.once('message', answered);
      this.worker.once('exit', exited);
      this.worker.postMessage('checkpoint');
    });
  }

  private fail(reason: string): void {
    if (this.failed || this.stopping) return;
    this.failed = true;
    this.onFailure();
    process.emitWarning(`bulk writes checkpoint on the writing thread: ${reason}`, { code: 'SSPR_SQLITE_CHECKPOINT_THREAD' });
  }
}
