import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Earlier password hashes per user, trimmed to the configured length. */
export class PasswordHistoryRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The newest `limit` earlier hashes of the user, newest first. */
  async recent(userId: string, limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    const rows = await this.db
      .selectFrom('password_history')
      .select('password_hash')
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => r.password_hash);
  }

  /** Remembers a hash that is being replaced, keeping only the newest `keep` per user. */
  async push(userId: string, passwordHash: string, now: number, keep: number): Promise<void> {
    if (keep <= 0) return;
    await this.db.insertInto('password_history').values({ user_id: userId, password_hash: passwordHash, created_at: now }).execute();
    const stale = await this.db
      .selectFrom('password_history')
      .select('created_at')
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .offset(keep)
      .limit(1)
      .executeTakeFirst();
    if (stale) await this.db.deleteFrom('password_history').where('user_id', '=', userId).where('created_at', '<=', stale.created_at).execute();
  }
}
