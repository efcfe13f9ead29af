import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from './schema.js';

/** A value that stands for the `index`-th argument of a prepared query (typed as the column's value). */
export type Slot = <T>(index: number) => T;

const MARK = '\u0000sspr-slot:';
/**
 * The marker is a string whatever the slot's declared type: it never reaches the database (`execute` replaces
 * every marked parameter with its argument), so typing it as the column's value only lets `build` place it.
 */
const slot: Slot = (index: number) => `${MARK}${index}` as never;

/**
 * A query built and compiled by Kysely once per database handle, then run with new values: `build` puts `$(0)`,
 * `$(1)`, … where the arguments go. Kysely builds and compiles a query anew on every call, which costs several
 * times what SQLite takes to run a small statement, so the statements of the hot paths (sign-in, password change)
 * are kept compiled. The query's shape must not depend on the values (no `in` list of varying length: one
 * prepared query per length). A transaction handle compiles afresh unless `executeIn` names its database.
 */
export class PreparedQuery<R> {
  private readonly compiled = new WeakMap<Kysely<Database>, { query: CompiledQuery<R>; slots: number[]; inOrder: boolean }>();

  constructor(private readonly build: (db: Kysely<Database>, $: Slot) => Compilable<R>) {}

  execute(db: Kysely<Database>, ...values: unknown[]): Promise<QueryResult<R>> {
    return this.executeIn(db, db, values);
  }

  /** The first row, or undefined. */
  async first(db: Kysely<Database>, ...values: unknown[]): Promise<R | undefined> {
    return (await this.executeIn(db, db, values)).rows[0];
  }

  /** Runs on `runner` (a transaction of `db`, say) what was compiled for `db`. */
  executeIn(runner: Kysely<Database>, db: Kysely<Database>, values: readonly unknown[]): Promise<QueryResult<R>> {
    let entry = this.compiled.get(db);
    if (!entry) {
      const query = this.build(db, slot).compile();
      const slots = query.parameters.map((parameter) => (typeof parameter === 'string' && parameter.startsWith(MARK) ? Number(parameter.slice(MARK.length)) : -1));
      // Every parameter a slot, in argument order (a bulk insert's thousands of values): the arguments are the parameters.
      entry = { query, slots, inOrder: slots.every((at, index) => at === index) };
      if (!db.isTransaction) this.compiled.set(db, entry);
    }
    const { query, slots, inOrder } = entry;
    if (inOrder && values.length === slots.length) return runner.executeQuery<R>({ ...query, parameters: values });
    const parameters = query.parameters.map((parameter, index) => {
      const at = slots[index] as number;
      return at < 0 ? parameter : values[at];
    });
    return runner.executeQuery<R>({ ...query, parameters });
  }
}
