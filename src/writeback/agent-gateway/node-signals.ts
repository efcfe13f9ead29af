import { EventEmitter } from 'node:events';
import type pg from 'pg';
import { postgres } from '../../store/database.js';

/** A job changed in a way other nodes may care about. */
export interface JobSignal {
  kind: 'job-created' | 'job-changed';
  jobId: string;
  directory: string;
}

/**
 * Wakes the nodes of one deployment when a job was created or changed. With SQLite there is one node, so an
 * in-process emitter suffices; with PostgreSQL signals travel by LISTEN/NOTIFY. Signals are hints: every
 * receiver re-reads the job row, and a slow poll covers a lost notification.
 */
export interface NodeSignals {
  publish(signal: JobSignal): Promise<void>;
  subscribe(listener: (signal: JobSignal) => void): void;
  close(): Promise<void>;
}

export class LocalSignals implements NodeSignals {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(signal: JobSignal): Promise<void> {
    this.emitter.emit('signal', signal);
    return Promise.resolve();
  }

  subscribe(listener: (signal: JobSignal) => void): void {
    this.emitter.on('signal', listener);
  }

  close(): Promise<void> {
    this.emitter.removeAllListeners();
    return Promise.resolve();
  }
}

const CHANNEL = 'sspr_writeback';

export class PostgresSignals implements NodeSignals {
  private readonly local = new LocalSignals();
  private listener: pg.Client | null = null;
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  static async connect(url: string, onError: (error: unknown) => void): Promise<PostgresSignals> {
    const signals = new PostgresSignals(url, onError);
    await signals.listen();
    return signals;
  }

  /** Sent on the LISTEN connection; PostgreSQL delivers it to every listening node, this one included. */
  async publish(signal: JobSignal): Promise<void> {
    try {
      if (!this.listener) throw new Error('the notification connection to PostgreSQL is down');
      await this.listener.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(signal)]);
    } catch (error) {
      this.onError(error);
    }
  }

  subscribe(listener: (signal: JobSignal) => void): void {
    this.local.subscribe(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.listener?.end().catch(() => undefined);
    await this.local.close();
  }

  private async listen(): Promise<void> {
    const client = new (postgres().Client)({ connectionString: this.url });
    client.on('notification', (message) => {
      if (!message.payload) return;
      try {
        void this.local.publish(JSON.parse(message.payload) as JobSignal);
      } catch {
        // not ours
      }
    });
    client.on('error', (error) => {
      this.onError(error);
      this.listener = null;
      if (!this.closed) setTimeout(() => void this.listen().catch(this.onError), 1000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.listener = client;
  }
}
