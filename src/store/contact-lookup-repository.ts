import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import { emailContext, emailLookup, mobileContext } from './users-repository.js';
import { registrationContext, registrationLookup } from './registrations-repository.js';

/** Rows tagged per statement while filling in tags; the event loop gets a turn between batches. */
const FILL_BATCH = 500;

/**
 * Accounts by e-mail address through the look-up tags (`users.email_lookup`, `method_registrations.contact_lookup`):
 * one indexed query, no decryption of other people's data. Rows stored without a tag (before the tags existed,
 * or by a bulk load) are tagged first, in batches; a tag is only written over the very ciphertext it was
 * computed from, so a concurrent change of the address is never overwritten with a stale tag.
 */
export class ContactLookupRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly cipher: FieldCipher,
  ) {}

  /** User names (by username_key) of enabled accounts whose own or a registered e-mail address is `address`. */
  async usernamesByEmail(address: string): Promise<string[]> {
    await this.fillPending();
    const tag = emailLookup(this.cipher, address);
    if (tag === '') return [];
    const rows = await this.db
      .selectFrom('users')
      .select(['username', 'username_key'])
      .where('enabled', '=', 1)
      .where('email_lookup', '=', tag)
      .union(
        this.db
          .selectFrom('method_registrations as r')
          .innerJoin('users as u', 'u.id', 'r.user_id')
          .select(['u.username', 'u.username_key'])
          .where('u.enabled', '=', 1)
          .where('r.contact_lookup', '=', tag),
      )
      .orderBy('username_key')
      .execute();
    return rows.map((row) => row.username);
  }

  /**
   * Enabled accounts with their mobile number and registered SMS numbers, decrypted, `pageSize` accounts at a
   * time in user-name order (numbers compare only after normalising, which SQL cannot do); the caller gives the
   * event loop a turn between pages.
   */
  async *phonesOfEnabled(pageSize = 500): AsyncGenerator<Array<{ username: string; phones: string[] }>> {
    let after = '';
    for (;;) {
      const users = await this.db
        .selectFrom('users')
        .select(['id', 'username', 'username_key', 'mobile'])
        .where('enabled', '=', 1)
        .where('username_key', '>', after)
        .orderBy('username_key')
        .limit(pageSize)
        .execute();
      if (users.length === 0) return;
      const registered = await this.db
        .selectFrom('method_registrations')
        .select(['id', 'user_id', 'data'])
        .where('type', '=', 'sms')
        .where('user_id', 'in', users.map((user) => user.id))
        .execute();
      const phones = new Map<string, string[]>(users.map((user) => [user.id, user.mobile === null ? [] : [this.cipher.decrypt(user.mobile, mobileContext(user.id))]]));
      for (const row of registered) {
        const phone = (JSON.parse(this.cipher.decrypt(row.data, registrationContext(row.id))) as { phone?: unknown }).phone;
        if (typeof phone === 'string') phones.get(row.user_id)?.push(phone);
      }
      yield users.map((user) => ({ username: user.username, phones: phones.get(user.id) ?? [] }));
      after = (users.at(-1) as { username_key: string }).username_key;
    }
  }

  /** Tags every row stored without one; returns how many were tagged. */
  async fillPending(): Promise<number> {
    let filled = 0;
    for (;;) {
      const users = await this.db.selectFrom('users').select(['id', 'email']).where('email_lookup', 'is', null).limit(FILL_BATCH).execute();
      if (users.length === 0) break;
      await this.db.transaction().execute(async (trx) => {
        for (const { id, email } of users) {
          const tag = emailLookup(this.cipher, this.cipher.decryptNullable(email, emailContext(id)));
          const same = email === null ? trx.updateTable('users').where('email', 'is', null) : trx.updateTable('users').where('email', '=', email);
          await same.set({ email_lookup: tag }).where('id', '=', id).where('email_lookup', 'is', null).execute();
        }
      });
      filled += users.length;
      await nextTurn();
    }
    for (;;) {
      const rows = await this.db.selectFrom('method_registrations').select(['id', 'type', 'data']).where('contact_lookup', 'is', null).limit(FILL_BATCH).execute();
      if (rows.length === 0) break;
      await this.db.transaction().execute(async (trx) => {
        for (const { id, type, data } of rows) {
          const tag = type === 'email' ? registrationLookup(this.cipher, type, JSON.parse(this.cipher.decrypt(data, registrationContext(id)))) : '';
          await trx.updateTable('method_registrations').set({ contact_lookup: tag }).where('id', '=', id).where('data', '=', data).where('contact_lookup', 'is', null).execute();
        }
      });
      filled += rows.length;
      await nextTurn();
    }
    return filled;
  }
}
