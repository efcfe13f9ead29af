import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Sign-in sessions; only the digest of the session token is stored. */
export class SessionsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(digest: string, userId: string, now: number, expiresAt: number): Promise<void> {
    await this.db.insertInto('sessions').values({ id_digest: digest, user_id: userId, created_at: now, expires_at: expiresAt }).execute();
  }

  async findUserId(digest: string, now: number): Promise<string | null> {
    const row = await this.db
      .selectFrom('sessions')
      .select('user_id')
      .where('id_digest', '=', digest)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row?.user_id ?? null;
  }

  async delete(digest: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_digest', '=', digest).execute();
  }

  /** Ends every session of a user but `keep` (the digest of the session that acts, when it stays). */
  async deleteForUser(userId: string, keep: string | null = null): Promise<void> {
    let query = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (keep !== null) query = query.where('id_digest', '!=', keep);
    await query.execute();
  }

  async purgeExpired(now: number): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<', now).execute();
  }
}
