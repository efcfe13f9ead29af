import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { CommitGroup } from './commit-group.js';

/** A step of a batch: its statements, run on the batch's transaction. */
export type BatchStep<T> = (trx: Kysely<Database>) => Promise<T>;

/**
 * Store writes gathered by one use-case and committed together: one transaction, one commit. `add` only records
 * a step; the returned promise settles once `commit` has run every step in the order added: with the step's value
 * when the transaction committed, rejected when it rolled back (so a caller never awaits it before `commit`).
 * Steps run one after another on the transaction and may read what earlier steps wrote. `settled` hooks run after
 * the commit or the rollback, in the order added (an audit writer hands back its role there). Begun from a
 * {@link CommitGroup}, the batch's transaction is the one its group shares with the batches committed in the same
 * turn (group commit); what is said here of the batch's transaction holds for its part of it.
 */
export class WriteBatch {
  private readonly steps: Array<{ run: BatchStep<unknown>; resolve: (value: unknown) => void; reject: (error: unknown) => void }> = [];
  private readonly hooks: Array<(committed: boolean) => void> = [];
  private state: 'open' | 'committing' | 'done' = 'open';

  constructor(
    private readonly db: Kysely<Database>,
    private readonly group?: Pick<CommitGroup, 'run'>,
  ) {}

  add<T>(run: BatchStep<T>): Promise<T> {
    if (this.state !== 'open') throw new Error('a write batch takes no steps once it commits');
    const settled = new Promise<T>((resolve, reject) => {
      this.steps.push({ run, resolve: resolve as (value: unknown) => void, reject });
    });
    // A rolled-back step nobody awaits is not an unhandled rejection: `commit` reports the failure.
    settled.catch(() => undefined);
    return settled;
  }

  /** Told once the batch committed (true) or rolled back (false). */
  onSettled(hook: (committed: boolean) => void): void {
    this.hooks.push(hook);
  }

  /** Runs every step in one transaction (none: no transaction at all); rejects with the first failure. */
  async commit(): Promise<void> {
    if (this.state !== 'open') throw new Error('a write batch commits once');
    this.state = 'committing';
    const steps = this.steps;
    let values: unknown[] = [];
    try {
      if (steps.length > 0) {
        const work = async (trx: Kysely<Database>) => {
          const results: unknown[] = [];
          for (const step of steps) results.push(await step.run(trx));
          return results;
        };
        values = await (this.group ? this.group.run(work) : this.db.transaction().execute(work));
      }
    } catch (error) {
      this.state = 'done';
      for (const step of steps) step.reject(error);
      this.settle(false);
      throw error;
    }
    this.state = 'done';
    steps.forEach((step, index) => step.resolve(values[index]));
    this.settle(true);
  }

  /** Gives the batch up unwritten (its owner failed before `commit`): every step rejects with `error`. */
  discard(error: unknown): void {
    if (this.state !== 'open') return;
    this.state = 'done';
    for (const step of this.steps) step.reject(error);
    this.settle(false);
  }

  private settle(committed: boolean): void {
    for (const hook of this.hooks) hook(committed);
  }
}
