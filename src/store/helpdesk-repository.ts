import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, HelpdeskVerificationsTable } from './schema.js';

/** One caller verification as the helpdesk use-case reads it. */
export interface HelpdeskVerification {
  id: string;
  userId: string;
  operator: string;
  method: string;
  registrationId: string | null;
  codeHash: string | null;
  attempts: number;
  sends: number;
  reason: string | null;
  createdAt: number;
  codeExpiresAt: number | null;
  verifiedAt: number | null;
  grantUntil: number | null;
  voidedAt: number | null;
}

function toVerification(row: Selectable<HelpdeskVerificationsTable>): HelpdeskVerification {
  const time = (value: number | null) => (value === null ? null : Number(value));
  return {
    id: row.id,
    userId: row.user_id,
    operator: row.operator,
    method: row.method,
    registrationId: row.registration_id,
    codeHash: row.code_hash,
    attempts: Number(row.attempts),
    sends: Number(row.sends),
    reason: row.reason,
    createdAt: Number(row.created_at),
    codeExpiresAt: time(row.code_expires_at),
    verifiedAt: time(row.verified_at),
    grantUntil: time(row.grant_until),
    voidedAt: time(row.voided_at),
  };
}

/**
 * Helpdesk caller verifications. Every state change is compare-and-set (an attempt is taken only below the
 * limit, a verification is granted only once and never after it was voided), so concurrent requests on two
 * nodes cannot both win.
 */
export class HelpdeskRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(row: { id: string; userId: string; operator: string; method: string; registrationId: string | null; reason: string | null; createdAt: number; grantUntil: number | null }): Promise<void> {
    await this.db
      .insertInto('helpdesk_verifications')
      .values({
        id: row.id,
        user_id: row.userId,
        operator: row.operator,
        method: row.method,
        registration_id: row.registrationId,
        reason: row.reason,
        created_at: row.createdAt,
        attempts: 0,
        sends: 0,
        code_hash: null,
        code_expires_at: null,
        verified_at: row.grantUntil === null ? null : row.createdAt,
        grant_until: row.grantUntil,
        voided_at: null,
      })
      .execute();
  }

  async get(id: string): Promise<HelpdeskVerification | null> {
    const row = await this.db.selectFrom('helpdesk_verifications').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toVerification(row) : null;
  }

  /** A new code for a live verification (the earlier code is void; attempts carry over). */
  async replaceCode(id: string, codeHash: string, expiresAt: number): Promise<boolean> {
    const result = await this.db
      .updateTable('helpdesk_verifications')
      .set((eb) => ({ code_hash: codeHash, code_expires_at: expiresAt, sends: eb('sends', '+', 1) }))
      .where('id', '=', id)
      .where('voided_at', 'is', null)
      .where('verified_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Spends one try; false when the verification is void, verified, or out of tries. */
  async takeAttempt(id: string, max: number): Promise<boolean> {
    const result = await this.db
      .updateTable('helpdesk_verifications')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where('attempts', '<', max)
      .where('voided_at', 'is', null)
      .where('verified_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Marks the verification passed and opens its window; false when it was void or already used. */
  async grant(id: string, now: number, until: number): Promise<boolean> {
    const result = await this.db
      .updateTable('helpdesk_verifications')
      .set({ verified_at: now, grant_until: until, code_hash: null })
      .where('id', '=', id)
      .where('voided_at', 'is', null)
      .where('verified_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async void(id: string, now: number): Promise<void> {
    await this.db.updateTable('helpdesk_verifications').set({ voided_at: now, code_hash: null, grant_until: null }).where('id', '=', id).where('voided_at', 'is', null).execute();
  }

  /** The operator's open window for this user (verified or reason recorded, not voided, not lapsed), if any. */
  async liveGrant(operator: string, userId: string, now: number): Promise<HelpdeskVerification | null> {
    const row = await this.db
      .selectFrom('helpdesk_verifications')
      .selectAll()
      .where('operator', '=', operator)
      .where('user_id', '=', userId)
      .where('voided_at', 'is', null)
      .where('grant_until', '>', now)
      .orderBy('grant_until', 'desc')
      .executeTakeFirst();
    return row ? toVerification(row) : null;
  }

  /** Codes sent for this user since `since`, by any operator (the mail-bomb limit). */
  async sendsSince(userId: string, since: number): Promise<number> {
    const row = await this.db
      .selectFrom('helpdesk_verifications')
      .select(sql<number>`coalesce(sum(sends), 0)`.as('n'))
      .where('user_id', '=', userId)
      .where('created_at', '>=', since)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Ends every open window of the operator for this user (after a reset or when the operator closes it). */
  async closeFor(operator: string, userId: string, now: number): Promise<void> {
    await this.db
      .updateTable('helpdesk_verifications')
      .set({ grant_until: now })
      .where('operator', '=', operator)
      .where('user_id', '=', userId)
      .where('grant_until', '>', now)
      .execute();
  }

  async purgeBefore(before: number): Promise<void> {
    await this.db.deleteFrom('helpdesk_verifications').where('created_at', '<', before).execute();
  }
}
