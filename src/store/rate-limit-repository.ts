import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Fixed-window hit counters in the store, so every node of one database draws from the same budget. One
 * statement per hit (an upsert that returns the new count): two nodes racing on one key both see the sum.
 */
export class RateLimitRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Counts one hit of `key` in the window that starts at `windowStart`; returns the hits so far, this one included. */
  async hit(key: string, windowStart: number): Promise<number> {
    const row = await this.db
      .insertInto('rate_limit_windows')
      .values({ key, window_start: windowStart, hits: 1 })
      .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet((eb) => ({ hits: eb('rate_limit_windows.hits', '+', 1) })))
      .returning('hits')
      .executeTakeFirstOrThrow();
    return Number(row.hits);
  }

  /** Drops windows that started before `at`. */
  async purgeBefore(at: number): Promise<void> {
    await this.db.deleteFrom('rate_limit_windows').where('window_start', '<', at).execute();
  }
}
