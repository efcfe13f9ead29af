import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import { WriteBatch } from './write-batch.js';

type Work = (trx: Kysely<Database>) => Promise<unknown>;

interface Member {
  work: Work;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: the write batches ({@link WriteBatch}) begun here and committed in one turn of the event loop are
 * written in one transaction, at the end of that turn (`setImmediate`), in the order their `commit` was called.
 * Each batch runs inside a savepoint of its own (SQL:2011; SQLite and PostgreSQL both have them): a batch whose
 * step fails is rolled back to its savepoint and rejects alone, with its own error, while the others commit. A
 * failed commit rejects every batch of the group with that error, and nothing of any of them is written. A batch
 * settles only once the shared transaction did, so what a batch promises after its commit still holds.
 * One commit for the acts of a turn writes each page they share (a table's last leaf, an index's) to the
 * write-ahead log once instead of once per act, and takes the database's lock once.
 */
export class CommitGroup {
  private waiting: Member[] = [];

  constructor(private readonly db: Kysely<Database>) {}

  /** A new write batch whose commit joins this turn's group. */
  begin(): WriteBatch {
    return new WriteBatch(this.db, this);
  }

  /** Runs `work` in this turn's shared transaction; settles once that transaction committed or rolled back. */
  run<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.waiting.length === 1) setImmediate(() => void this.write());
    });
  }

  private async write(): Promise<void> {
    const members = this.waiting;
    this.waiting = [];
    const [only] = members;
    if (members.length === 1 && only) {
      await this.db.transaction().execute(only.work).then(only.resolve, only.reject);
      return;
    }
    const outcomes: Array<{ value: unknown } | { error: unknown }> = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const [index, member] of members.entries()) {
          const savepoint = sql.raw(`member_${index}`);
          await sql`savepoint ${savepoint}`.execute(trx);
          try {
            outcomes.push({ value: await member.work(trx) });
          } catch (error) {
            await sql`rollback to savepoint ${savepoint}`.execute(trx);
            outcomes.push({ error });
          }
          await sql`release savepoint ${savepoint}`.execute(trx);
        }
      });
    } catch (error) {
      for (const member of members) member.reject(error);
      return;
    }
    members.forEach((member, index) => {
      const outcome = outcomes[index] as { value: unknown } | { error: unknown };
      if ('error' in outcome) member.reject(outcome.error);
      else member.resolve(outcome.value);
    });
  }
}
