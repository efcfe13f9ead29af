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

  /** A live session's console state: when it was created, last proved a second method, and last used the console. */
  async consoleState(digest: string, now: number): Promise<{ createdAt: number; steppedUpAt: number | null; stepUpMethod: string | null; consoleSeenAt: number | null } | null> {
    const row = await this.db
      .selectFrom('sessions')
      .select(['created_at', 'stepped_up_at', 'step_up_method', 'console_seen_at'])
      .where('id_digest', '=', digest)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (!row) return null;
    const num = (value: number | null) => (value === null ? null : Number(value));
    return { createdAt: Number(row.created_at), steppedUpAt: num(row.stepped_up_at), stepUpMethod: row.step_up_method, consoleSeenAt: num(row.console_seen_at) };
  }

  /** Records a proof of a second method: the console opens for this session from `now`. */
  async markSteppedUp(digest: string, method: string, now: number): Promise<void> {
    await this.db.updateTable('sessions').set({ stepped_up_at: now, step_up_method: method, console_seen_at: now }).where('id_digest', '=', digest).execute();
  }

  /** Records a console request (the idle timeout counts from the last one). */
  async touchConsole(digest: string, now: number): Promise<void> {
    await this.db.updateTable('sessions').set({ console_seen_at: now }).where('id_digest', '=', digest).execute();
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
