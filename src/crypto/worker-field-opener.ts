/**
 * Opens stored values in bulk in a worker thread, for work over every account (the readiness sweep).
 *
 * Why a thread: `FieldCipher.decrypt` makes one native decipher per value, and V8 finalises every such object
 * inside the young-generation pause that finds it dead — at thousands of values a second (a sweep's e-mail,
 * mobile and method-data columns) those pauses held the serving thread past 20 ms. The worker has its own isolate
 * and heap: its pauses do not stop the serving thread, which only sees the answers' strings.
 *
 * Contract: `openAll` answers, value for value, what `decrypt` answers in the serving thread, or throws what it
 * throws (a value the worker cannot open is opened here, so an unknown key still triggers the keyring's re-read).
 * The worker takes the keyring in use when it starts. A worker that cannot start, fails, or does not answer within
 * `deadlineMs` leaves every later call to this thread (same answers, the old pauses), with a process warning that
 * names the failure. The worker holds the event loop open only while a call waits for it; `close` ends it.
 */
import { Worker } from 'node:worker_threads';
import { IMPORT_WORKER_MODULE, workerModule } from '../threads/worker-module.js';
import type { FieldCipher, FieldOpener, SealedField } from './field-cipher.js';
import type { OpenAnswer, OpenRequest, ThreadKeyring } from './field-opener-thread.js';

/** Longest wait for one answer (a page of values takes the worker milliseconds); past it the worker is given up. */
const DEADLINE_MS = 30_000;

export interface WorkerFieldOpenerOptions {
  /** The worker module (default: field-opener-thread next to this file); tests name a failing one. */
  threadUrl?: string;
  deadlineMs?: number;
}

export class WorkerFieldOpener implements FieldOpener {
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, (opened: Array<string | null> | null) => void>();
  private nextId = 0;
  private closed = false;
  private failed = false;
  private readonly deadlineMs: number;

  constructor(
    private readonly cipher: FieldCipher,
    options: WorkerFieldOpenerOptions = {},
  ) {
    this.deadlineMs = options.deadlineMs ?? DEADLINE_MS;
    const thread = workerModule('field-opener-thread', import.meta.url);
    const url = options.threadUrl ?? thread.url;
    const fromSource = thread.fromSource;
    const { currentKeyId, keys } = cipher.currentKeyring;
    // Each key copied into a buffer of its own: a pooled Buffer's whole pool would cross otherwise.
    const keyring: ThreadKeyring = { currentKeyId, keys: [...keys].map(([id, key]) => [id, new Uint8Array(key)]) };
    const starter = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { url, fromSource, keyring } = workerData;
      ${IMPORT_WORKER_MODULE}.then((m) => m.serveOpenRequests(parentPort, keyring));`;
    try {
      const worker = new Worker(starter, { eval: true, workerData: { url, fromSource, keyring } });
      worker.on('message', ({ id, opened }: OpenAnswer) => this.settle(id, opened));
      worker.on('error', (error) => this.fail(String(error)));
      worker.on('exit', (code) => this.fail(`the worker exited (code ${code})`));
      worker.unref();
      this.worker = worker;
    } catch (error) {
      this.fail(String(error));
    }
  }

  async openAll(fields: readonly SealedField[]): Promise<string[]> {
    if (fields.length === 0) return [];
    const opened = this.worker ? await this.ask(this.worker, fields) : null;
    if (opened === null) return this.cipher.openAll(fields);
    return opened.map((value, i) => value ?? this.cipher.decrypt((fields[i] as SealedField).stored, (fields[i] as SealedField).context));
  }

  /** Ends the worker; later calls open in this thread. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    for (const resolve of this.waiting.values()) resolve(null);
    this.waiting.clear();
    if (worker) await worker.terminate();
  }

  /** The worker's answer, or null when it failed (or was closed) before answering. */
  private ask(worker: Worker, fields: readonly SealedField[]): Promise<Array<string | null> | null> {
    const id = this.nextId++;
    const request: OpenRequest = { id, stored: fields.map((f) => f.stored), contexts: fields.map((f) => f.context) };
    return new Promise((resolve) => {
      const deadline = setTimeout(() => this.fail(`no answer within ${this.deadlineMs} ms`), this.deadlineMs);
      deadline.unref();
      this.waiting.set(id, (opened) => {
        clearTimeout(deadline);
        resolve(opened);
      });
      // Held open while an answer is due, so a sweep in a process with nothing else to do still ends.
      if (this.waiting.size === 1) worker.ref();
      worker.postMessage(request);
    });
  }

  private settle(id: number, opened: Array<string | null> | null): void {
    const resolve = this.waiting.get(id);
    if (!resolve) return;
    this.waiting.delete(id);
    if (this.waiting.size === 0) this.worker?.unref();
    resolve(opened);
  }

  private fail(reason: string): void {
    if (this.closed || this.failed) return;
    this.failed = true;
    // The fallback keeps the answers right; the warning says why this thread pauses for them again.
    process.emitWarning(`stored values are opened in the serving thread: ${reason}`, { code: 'SSPR_FIELD_OPENER_WORKER' });
    const worker = this.worker;
    this.worker = null;
    if (worker) void worker.terminate();
    for (const id of [...this.waiting.keys()]) this.settle(id, null);
  }
}
