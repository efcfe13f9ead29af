import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { FieldCipher } from '../crypto/field-cipher.js';

const context = (key: string) => `pending_challenges.data:${key}`;

/**
 * Server-side state of a challenge in progress, under a key the caller chooses (e.g. "flow:<digest>:<method>"
 * or "enrol:<user>:totp"): a TOTP secret awaiting its first code, the questions drawn for a reset, a
 * WebAuthn challenge. Encrypted; expires; counts attempts with compare-and-set.
 */
export class ChallengesRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly cipher: FieldCipher,
  ) {}

  async put(key: string, data: object, expiresAt: number): Promise<void> {
    const value = this.cipher.encrypt(JSON.stringify(data), context(key));
    await this.db
      .insertInto('pending_challenges')
      .values({ key, data: value, attempts: 0, expires_at: expiresAt })
      .onConflict((oc) => oc.column('key').doUpdateSet({ data: value, attempts: 0, expires_at: expiresAt }))
      .execute();
  }

  async get<T>(key: string, now: number): Promise<{ data: T; attempts: number } | null> {
    const row = await this.db.selectFrom('pending_challenges').selectAll().where('key', '=', key).where('expires_at', '>', now).executeTakeFirst();
    return row ? { data: JSON.parse(this.cipher.decrypt(row.data, context(key))) as T, attempts: row.attempts } : null;
  }

  /** Spends one attempt; false when the challenge is gone or out of attempts. */
  async takeAttempt(key: string, max: number): Promise<boolean> {
    const result = await this.db
      .updateTable('pending_challenges')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('key', '=', key)
      .where('attempts', '<', max)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /** Removes the challenge; false when another request took it first (single use). */
  async take(key: string): Promise<boolean> {
    const result = await this.db.deleteFrom('pending_challenges').where('key', '=', key).executeTakeFirst();
    return result.numDeletedRows === 1n;
  }

  async purgeExpired(now: number): Promise<void> {
    await this.db.deleteFrom('pending_challenges').where('expires_at', '<', now).execute();
  }
}
