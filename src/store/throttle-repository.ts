import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Counted events and active blocks per scope ("user:alice:failed-proof", "ip:10.0.0.1:start", …). */
export class ThrottleRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async record(scope: string, at: number): Promise<void> {
    await this.db.insertInto('throttle_events').values({ scope, at }).execute();
  }

  async countSince(scope: string, since: number): Promise<number> {
    const row = await this.db
      .selectFrom('throttle_events')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('scope', '=', scope)
      .where('at', '>', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async block(scope: string, until: number, reason: string): Promise<void> {
    await this.db
      .insertInto('throttle_blocks')
      .values({ scope, until, reason })
      .onConflict((oc) => oc.column('scope').doUpdateSet({ until, reason }))
      .execute();
  }

  /**
   * Takes the one slot of `scope` until `until` when it is free (never taken, or run out by `now`): one atomic
   * upsert, so of concurrent takers exactly one wins. True for the winner.
   */
  async takeSlot(scope: string, now: number, until: number): Promise<boolean> {
    const result = await this.db
      .insertInto('throttle_blocks')
      .values({ scope, until, reason: 'slot' })
      .onConflict((oc) => oc.column('scope').doUpdateSet({ until, reason: 'slot' }).where('throttle_blocks.until', '<=', now))
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  /** Active blocks among these scopes (the latest-ending first). */
  async activeBlocks(scopes: string[], now: number): Promise<Array<{ scope: string; until: number; reason: string }>> {
    if (scopes.length === 0) return [];
    return this.db.selectFrom('throttle_blocks').selectAll().where('scope', 'in', scopes).where('until', '>', now).orderBy('until', 'desc').execute();
  }

  /** Forgets events and blocks of these scopes (after a successful reset, or an admin unblock). */
  async clear(scopes: string[]): Promise<void> {
    if (scopes.length === 0) return;
    await this.db.deleteFrom('throttle_events').where('scope', 'in', scopes).execute();
    await this.db.deleteFrom('throttle_blocks').where('scope', 'in', scopes).execute();
  }

  async purgeBefore(at: number): Promise<void> {
    await this.db.deleteFrom('throttle_events').where('at', '<', at).execute();
    await this.db.deleteFrom('throttle_blocks').where('until', '<', at).execute();
  }
}
