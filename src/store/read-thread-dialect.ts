/**
 * Long reads of a SQLite store off the serving thread. better-sqlite3 runs a statement synchronously, so a
 * set-based count over 100,000 users and 1,000,000 audit events (the console's overview, reports, the doctor's
 * service run, a policy what-if) held the event loop for the whole query — hundreds of milliseconds to seconds in
 * which no other request was answered. This dialect gives Kysely a connection whose statements run in a worker
 * thread on a read-only connection to the same file (WAL: it reads what has been committed), so the serving
 * thread only waits.
 *
 * Contract: reads only (a statement that writes is refused; transactions are refused), answered as the SQLite
 * dialect answers them, except that binary values come back as Buffers copied across the thread. The worker
 * starts on the first read and holds the process open only while a read waits for it. A worker that cannot start
 * or dies sends every later read to `fallback` (the serving thread's connection: same answers, the old pauses),
 * with one process warning `SSPR_SQLITE_READ_THREAD` that names why.
 */
import { Worker } from 'node:worker_threads';
import { CompiledQuery, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, type DatabaseConnection, type Dialect, type Driver, type Kysely, type QueryResult } from 'kysely';
import { IMPORT_WORKER_MODULE, workerModule } from '../threads/worker-module.js';
import type { Database } from './schema.js';
import type { ReadAnswer, ReadRequest } from './read-thread.js';

export interface ReadThreadOptions {
  /** The worker module (default: read-thread next to this file); tests name a failing one. */
  threadUrl?: string;
}

export class ReadThreadDialect implements Dialect {
  constructor(
    private readonly file: string,
    private readonly fallback: Kysely<Database>,
    private readonly options: ReadThreadOptions = {},
  ) {}

  createAdapter() {
    return new SqliteAdapter();
  }
  createDriver(): Driver {
    return new ReadThreadDriver(new ReadThreadConnection(this.file, this.fallback, this.options));
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}

const NO_TRANSACTIONS = 'the read thread runs single statements, not transactions';
const ONLY_READS = 'only statements that return rows run on the read thread';
/** Query kinds that may run here: selects, and raw SQL (the worker's connection is read-only besides). */
const READ_KINDS = new Set(['SelectQueryNode', 'RawNode']);

class ReadThreadDriver implements Driver {
  constructor(private readonly connection: ReadThreadConnection) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.connection;
  }
  async beginTransaction(): Promise<void> {
    throw new Error(NO_TRANSACTIONS);
  }
  async commitTransaction(): Promise<void> {
    throw new Error(NO_TRANSACTIONS);
  }
  async rollbackTransaction(): Promise<void> {
    throw new Error(NO_TRANSACTIONS);
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {
    await this.connection.close();
  }
}

class ReadThreadConnection implements DatabaseConnection {
  private worker: Worker | null = null;
  private failed = false;
  private closed = false;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (rows: unknown[] | null) => void; reject: (error: Error) => void }>();

  constructor(
    private readonly file: string,
    private readonly fallback: Kysely<Database>,
    private readonly options: ReadThreadOptions,
  ) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    // Refused here too, so that the fallback to the serving connection keeps the contract.
    if (!READ_KINDS.has(compiled.query.kind)) throw new Error(ONLY_READS);
    const worker = this.failed || this.closed ? null : (this.worker ?? this.start());
    const rows = worker ? await this.ask(worker, compiled) : null;
    if (rows === null) return this.fallback.executeQuery<R>(compiled);
    return { rows: rows.map(withBuffers) as R[] };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('the read thread does not stream; page the query instead');
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    for (const { resolve } of this.waiting.values()) resolve(null);
    this.waiting.clear();
    if (worker) await worker.terminate();
  }

  private start(): Worker | null {
    const thread = workerModule('read-thread', import.meta.url);
    const url = this.options.threadUrl ?? thread.url;
    const starter = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { url, fromSource, file } = workerData;
      ${IMPORT_WORKER_MODULE}.then((m) => m.serveReads(parentPort, file));`;
    try {
      const worker = new Worker(starter, { eval: true, workerData: { url, fromSource: thread.fromSource, file: this.file } });
      worker.on('message', (answer: ReadAnswer) => this.settle(answer));
      worker.on('error', (error) => this.fail(String(error)));
      worker.on('exit', (code) => this.fail(`the worker exited (code ${code})`));
      worker.unref();
      this.worker = worker;
      return worker;
    } catch (error) {
      this.fail(String(error));
      return null;
    }
  }

  /** The rows, null when the worker failed before answering, or the statement's own error. */
  private ask(worker: Worker, { sql, parameters }: CompiledQuery): Promise<unknown[] | null> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // Held open while an answer is due, so a process with nothing else to do still ends.
      if (this.waiting.size === 1) worker.ref();
      worker.postMessage({ id, sql, parameters } satisfies ReadRequest);
    });
  }

  private settle(answer: ReadAnswer): void {
    const waiter = this.waiting.get(answer.id);
    if (!waiter) return;
    this.waiting.delete(answer.id);
    if (this.waiting.size === 0) this.worker?.unref();
    if ('rows' in answer) waiter.resolve(answer.rows);
    else waiter.reject(Object.assign(new Error(answer.error.message), answer.error.code ? { code: answer.error.code } : {}));
  }

  private fail(reason: string): void {
    if (this.closed || this.failed) return;
    this.failed = true;
    process.emitWarning(`long reads run on the serving thread: ${reason}`, { code: 'SSPR_SQLITE_READ_THREAD' });
    const worker = this.worker;
    this.worker = null;
    if (worker) void worker.terminate();
    for (const [id, { resolve }] of [...this.waiting]) {
      this.waiting.delete(id);
      resolve(null);
    }
  }
}

/** A row with its binary values as Buffers again (they cross the thread as plain Uint8Arrays). */
function withBuffers(row: unknown): unknown {
  if (row === null || typeof row !== 'object') return row;
  for (const [key, value] of Object.entries(row)) {
    if (value instanceof Uint8Array && !Buffer.isBuffer(value)) (row as Record<string, unknown>)[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return row;
}
