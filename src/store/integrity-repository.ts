import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { PreparedQuery } from './prepared-query.js';
import type { WriteBatch } from './write-batch.js';

/** The statements of every self-service password act (prepared-query.ts). */
const statements = {
  addLink: new PreparedQuery((db, $) =>
    db.insertInto('not_me_links').values({ digest: $<string>(0), user_id: $<string>(1), notice: $<string>(2), created_at: $<number>(3), expires_at: $<number>(4), used_at: null })),
  freezeOf: new PreparedQuery((db, $) => db.selectFrom('account_freezes').selectAll().where('user_id', '=', $<string>(0))),
};

/** A link as stored: whose, from which notice, and whether it still works. */
export interface NotMeLinkRecord {
  userId: string;
  notice: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export interface FreezeRecord {
  userId: string;
  username: string;
  notice: string;
  frozenAt: number;
  ip: string | null;
}

/**
 * "This wasn't me" links and account freezes. A link is found by the keyed digest of its token only; using it is
 * one conditional update, so of two concurrent uses exactly one wins.
 */
export class IntegrityRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async addLink(digest: string, link: Omit<NotMeLinkRecord, 'usedAt'>, batch?: WriteBatch): Promise<void> {
    const values = [digest, link.userId, link.notice, link.createdAt, link.expiresAt];
    if (batch) void batch.add((trx) => statements.addLink.executeIn(trx, this.db, values));
    else await statements.addLink.execute(this.db, ...values);
  }

  async findLink(digest: string): Promise<NotMeLinkRecord | null> {
    const row = await this.db.selectFrom('not_me_links').selectAll().where('digest', '=', digest).executeTakeFirst();
    return row ? { userId: row.user_id, notice: row.notice, createdAt: Number(row.created_at), expiresAt: Number(row.expires_at), usedAt: row.used_at === null ? null : Number(row.used_at) } : null;
  }

  /** Marks an unused, unexpired link used; false when another use came first or it expired. */
  async useLink(digest: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('not_me_links')
      .set({ used_at: now })
      .where('digest', '=', digest)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Drops links that expired before `at` (housekeeping). */
  async purgeLinksBefore(at: number): Promise<void> {
    await this.db.deleteFrom('not_me_links').where('expires_at', '<', at).execute();
  }

  /** Freezes an account; a second freeze of a frozen account keeps the first record. True when newly frozen. */
  async freeze(record: FreezeRecord): Promise<boolean> {
    const result = await this.db
      .insertInto('account_freezes')
      .values({ user_id: record.userId, username: record.username, notice: record.notice, frozen_at: record.frozenAt, ip: record.ip })
      .onConflict((oc) => oc.column('user_id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async freezeOf(userId: string): Promise<FreezeRecord | null> {
    const row = await statements.freezeOf.first(this.db, userId);
    return row ? { userId: row.user_id, username: row.username, notice: row.notice, frozenAt: Number(row.frozen_at), ip: row.ip } : null;
  }

  /** Every frozen account, oldest freeze first (for the console and the CLI). */
  async listFrozen(): Promise<FreezeRecord[]> {
    const rows = await this.db.selectFrom('account_freezes').selectAll().orderBy('frozen_at').execute();
    return rows.map((row) => ({ userId: row.user_id, username: row.username, notice: row.notice, frozenAt: Number(row.frozen_at), ip: row.ip }));
  }

  /** Lifts a freeze; false when the account was not frozen. */
  async unfreeze(userId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('account_freezes').where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }
}
