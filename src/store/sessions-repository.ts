import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { PreparedQuery } from './prepared-query.js';
import type { WriteBatch } from './write-batch.js';

/** The statements of every sign-in and every signed-in request (prepared-query.ts). */
const statements = {
  create: new PreparedQuery((db, $) =>
    db.insertInto('sessions').values({ id_digest: $<string>(0), user_id: $<string>(1), created_at: $<number>(2), expires_at: $<number>(3) })),
  findUserId: new PreparedQuery((db, $) =>
    db.selectFrom('sessions').select('user_id').where('id_digest', '=', $<string>(0)).where('expires_at', '>', $<number>(1))),
  deleteForUser: new PreparedQuery((db, $) => db.deleteFrom('sessions').where('user_id', '=', $<string>(0))),
  deleteForUserBut: new PreparedQuery((db, $) => db.deleteFrom('sessions').where('user_id', '=', $<string>(0)).where('id_digest', '!=', $<string>(1))),
};

/** Sign-in sessions; only the digest of the session token is stored. */
export class SessionsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Stores a new session; in `batch` when given (resolves once added: the batch's commit writes it). */
  async create(digest: string, userId: string, now: number, expiresAt: number, batch?: WriteBatch): Promise<void> {
    const run = async (runner: Kysely<Database>) => {
      await statements.create.executeIn(runner, this.db, [digest, userId, now, expiresAt]);
    };
    if (batch) void batch.add(run);
    else await run(this.db);
  }

  async findUserId(digest: string, now: number): Promise<string | null> {
    const row = await statements.findUserId.first(this.db, digest, now);
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

  /** Ends every session of a user but `keep` (the digest of the session that acts, when it stays); in `batch` when given. */
  async deleteForUser(userId: string, keep: string | null = null, batch?: WriteBatch): Promise<void> {
    const run = async (runner: Kysely<Database>) => {
      if (keep === null) await statements.deleteForUser.executeIn(runner, this.db, [userId]);
      else await statements.deleteForUserBut.executeIn(runner, this.db, [userId, keep]);
    };
    if (batch) void batch.add(run);
    else await run(this.db);
  }

  async purgeExpired(now: number): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<', now).execute();
  }
}
