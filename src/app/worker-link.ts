import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Config } from '../config/schema.js';

/**
 * The messages between the primary of `sspr serve` (several workers) and its workers, over the cluster's IPC
 * channel. Every message carries `sspr` (its kind); a request carries an `id` its answer repeats.
 */
export type WorkerMessage =
  /** Worker → primary: listening; the primary counts the start as done. */
  | { sspr: 'ready' }
  /** Worker → primary: start-up failed; `message` is the operator sentence the primary prints if it gives up. */
  | { sspr: 'start-failed'; message: string }
  /** Worker → primary: a scrape of /metrics asks for the figures of all workers. */
  | { sspr: 'metrics-request'; id: number }
  /** Primary → worker: the aggregated exposition for the worker's scrape (null body: the primary could not build it). */
  | { sspr: 'metrics-answer'; id: number; body: string | null; contentType: string }
  /** Primary → worker: send your registry's figures (prom-client's metric JSON). */
  | { sspr: 'metrics-collect'; id: number }
  /** Worker → primary: this worker's figures for collect `id`. */
  | { sspr: 'metrics-part'; id: number; metrics: unknown[] }
  /** Worker → primary: record a spent captcha solution; the answer says whether it was new across all workers. */
  | { sspr: 'captcha-spend'; id: number; signature: string; expiresAt: number }
  | { sspr: 'captcha-answer'; id: number; fresh: boolean };

export function isWorkerMessage(message: unknown): message is WorkerMessage {
  return typeof message === 'object' && message !== null && typeof (message as { sspr?: unknown }).sspr === 'string';
}

/**
 * Set by the primary in the environment of the one worker that runs the schedules (interval sync, cron jobs); its
 * replacement inherits the duty. Reserved: the config loader never reads it as a key.
 */
export const SCHEDULES_ENV = 'SSPR_WORKER_SCHEDULES';

/** Worker processes `http.workers` asks for: `auto` is one per core this process may use. */
export function workerCount(config: Config): number {
  return config.http.workers === 'auto' ? availableParallelism() : config.http.workers;
}

/** How long a worker waits for the primary's answer before the request fails. */
const ANSWER_MS = 5000;

/** The questions a worker asks the primary, by kind, and the kind of the answer to each. */
const ANSWER_KINDS = { 'metrics-request': 'metrics-answer', 'captcha-spend': 'captcha-answer' } as const satisfies Partial<Record<WorkerMessage['sspr'], WorkerMessage['sspr']>>;
type Question = Extract<WorkerMessage, { sspr: keyof typeof ANSWER_KINDS }>;
type AnswerTo<K extends Question['sspr']> = Extract<WorkerMessage, { sspr: (typeof ANSWER_KINDS)[K] }>;
type Answer = AnswerTo<Question['sspr']>;
const answers = new Set<WorkerMessage['sspr']>(Object.values(ANSWER_KINDS));
const isAnswer = (message: WorkerMessage): message is Answer => answers.has(message.sspr);

/**
 * A worker's end of the IPC channel: requests to the primary with their answers, and handlers for what the
 * primary asks. One per worker process (`workerLink()`); none in a single-process server.
 */
export class WorkerLink {
  private nextId = 1;
  private readonly pending = new Map<number, (answer: Answer) => void>();
  private readonly handlers = new Map<string, (message: WorkerMessage) => void>();

  constructor(private readonly send: (message: WorkerMessage, sent: () => void) => void) {
    process.on('message', (message: unknown) => {
      if (!isWorkerMessage(message)) return;
      if (isAnswer(message)) {
        const resolve = this.pending.get(message.id);
        this.pending.delete(message.id);
        resolve?.(message);
        return;
      }
      this.handlers.get(message.sspr)?.(message);
    });
  }

  /** Sends `message`; resolves once it left this process (so that an exit right after does not lose it). */
  tell(message: WorkerMessage): Promise<void> {
    return new Promise((resolve) => this.send(message, resolve));
  }

  /** Handles what the primary asks of kind `kind` (one handler per kind). */
  handle<K extends WorkerMessage['sspr']>(kind: K, handler: (message: Extract<WorkerMessage, { sspr: K }>) => void): void {
    this.handlers.set(kind, handler as (message: WorkerMessage) => void);
  }

  /** Asks the primary the question `build` makes with the request's id; rejects when no answer comes within five seconds. */
  ask<Q extends Question>(build: (id: number) => Q): Promise<AnswerTo<Q['sspr']>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('the primary process did not answer'));
      }, ANSWER_MS);
      timer.unref();
      this.pending.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer as AnswerTo<Q['sspr']>);
      });
      this.send(build(id), () => undefined);
    });
  }
}

let link: WorkerLink | null | undefined;

/** This process's link to the primary when it is a worker of `sspr serve`; null otherwise. */
export function workerLink(): WorkerLink | null {
  if (link === undefined) {
    const send = process.send?.bind(process);
    link = cluster.isWorker && send ? new WorkerLink((message, sent) => void send(message, undefined, undefined, () => sent())) : null;
  }
  return link;
}
