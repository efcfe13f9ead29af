import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, MethodRegistrationsTable } from './schema.js';
import type { FieldCipher, FieldOpener } from '../crypto/field-cipher.js';
import { emailLookup } from './users-repository.js';
import { PreparedQuery } from './prepared-query.js';

/** Read by every notice (whom to tell) and every account page (prepared-query.ts). */
const registrationsOfUser = new PreparedQuery((db, $) =>
  db.selectFrom('method_registrations').selectAll().where('user_id', '=', $<string>(0)).orderBy('created_at').orderBy('id'));

/** The registered types of a data map: its keys. */
type TypeOf<Data> = keyof Data & string;

export interface Registration<D = Record<string, unknown>, Type extends string = string> {
  id: string;
  userId: string;
  type: Type;
  data: D;
  createdAt: number;
  confirmedAt: number;
  lastUsedAt: number | null;
  /** The stored ciphertext as read: the version token for `replaceData`. */
  stored: string;
}

/** A registration as read, before its method parses the data. */
type RegistrationOf<Data> = Registration<Record<string, unknown>, TypeOf<Data>>;

/** Associated data of a registration's encrypted data: it only decrypts in its own row. */
export const registrationContext = (id: string) => `method_registrations.data:${id}`;

/** `contact_lookup` of a registration: the tag of a registered e-mail address (type 'email'), else ''. */
export function registrationLookup(cipher: FieldCipher, type: string, data: unknown): string {
  const address = type === 'email' && data !== null && typeof data === 'object' ? (data as { address?: unknown }).address : null;
  return typeof address === 'string' ? emailLookup(cipher, address) : '';
}

/**
 * Users' registered verification methods; the method data (addresses, secrets, hashes) is encrypted. `Data`
 * maps each method type to the data it stores, as the methods declare it (`methods/records.ts`).
 */
export class RegistrationsRepository<Data extends object = Record<string, object>> {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly cipher: FieldCipher,
  ) {}

  private toRegistration(row: Selectable<MethodRegistrationsTable>, plain = this.cipher.decrypt(row.data, registrationContext(row.id))): RegistrationOf<Data> {
    return {
      id: row.id,
      userId: row.user_id,
      type: row.type as TypeOf<Data>,
      data: JSON.parse(plain) as Record<string, unknown>,
      createdAt: row.created_at,
      confirmedAt: row.confirmed_at,
      lastUsedAt: row.last_used_at,
      stored: row.data,
    };
  }

  async add<T extends TypeOf<Data>>(userId: string, type: T, data: Data[T], now: number): Promise<RegistrationOf<Data>> {
    const id = randomUUID();
    const json = JSON.stringify(data);
    const stored = this.cipher.encrypt(json, registrationContext(id));
    await this.db
      .insertInto('method_registrations')
      .values({ id, user_id: userId, type, data: stored, contact_lookup: registrationLookup(this.cipher, type, data), created_at: now, confirmed_at: now, last_used_at: null })
      .execute();
    return { id, userId, type, data: JSON.parse(json) as Record<string, unknown>, createdAt: now, confirmedAt: now, lastUsedAt: null, stored };
  }

  async listForUser(userId: string): Promise<RegistrationOf<Data>[]> {
    const { rows } = await registrationsOfUser.execute(this.db, userId);
    return rows.map((row) => this.toRegistration(row));
  }

  /**
   * The registrations of each of these users (one query; users without any are absent from the map), their data
   * opened by `opener` in one call (a sweep's worker thread; default this thread).
   */
  async listForUsers(userIds: readonly string[], opener: FieldOpener = this.cipher): Promise<Map<string, RegistrationOf<Data>[]>> {
    const byUser = new Map<string, RegistrationOf<Data>[]>();
    if (userIds.length === 0) return byUser;
    const rows = await this.db.selectFrom('method_registrations').selectAll().where('user_id', 'in', userIds).orderBy('created_at').orderBy('id').execute();
    const opened = await opener.openAll(rows.map((row) => ({ stored: row.data, context: registrationContext(row.id) })));
    for (const [i, row] of rows.entries()) {
      const list = byUser.get(row.user_id) ?? [];
      list.push(this.toRegistration(row, opened[i] as string));
      byUser.set(row.user_id, list);
    }
    return byUser;
  }

  async find(userId: string, id: string): Promise<RegistrationOf<Data> | null> {
    const row = await this.db.selectFrom('method_registrations').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return row ? this.toRegistration(row) : null;
  }

  /**
   * Replaces the data of a registration only if it is still what was read (compare and set on the
   * ciphertext): of two concurrent uses of one TOTP step, recovery code or passkey counter, one wins.
   */
  async replaceData(registration: Registration<unknown>, data: object): Promise<boolean> {
    const result = await this.db
      .updateTable('method_registrations')
      .set({ data: this.cipher.encrypt(JSON.stringify(data), registrationContext(registration.id)), contact_lookup: registrationLookup(this.cipher, registration.type, data) })
      .where('id', '=', registration.id)
      .where('data', '=', registration.stored)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async touch(id: string, now: number): Promise<void> {
    await this.db.updateTable('method_registrations').set({ last_used_at: now }).where('id', '=', id).execute();
  }

  /** Marks every registration of the user as re-confirmed now. */
  async reconfirmAll(userId: string, now: number): Promise<void> {
    await this.db.updateTable('method_registrations').set({ confirmed_at: now }).where('user_id', '=', userId).execute();
  }

  /** Removes one registration of this user; false when it is not theirs or does not exist. */
  async remove(userId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('method_registrations').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return result.numDeletedRows === 1n;
  }

  async removeType(userId: string, type: TypeOf<Data>): Promise<void> {
    await this.db.deleteFrom('method_registrations').where('user_id', '=', userId).where('type', '=', type).execute();
  }

  /**
   * Removes every registration of the user and records that they must register again (since `at`, asked by `by`),
   * in one transaction; answers the types removed. A second request moves `at` forward.
   */
  async requireReregistration(userId: string, at: number, by: string): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const removed = await trx.deleteFrom('method_registrations').where('user_id', '=', userId).returning('type').execute();
      await trx
        .insertInto('reregistration_requests')
        .values({ user_id: userId, required_at: at, required_by: by })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ required_at: at, required_by: by }))
        .execute();
      return removed.map((row) => row.type);
    });
  }

  /** Since when the user must register again (null: no request stands). */
  async reregistrationSince(userId: string): Promise<{ at: number; by: string } | null> {
    const row = await this.db.selectFrom('reregistration_requests').select(['required_at', 'required_by']).where('user_id', '=', userId).executeTakeFirst();
    return row ? { at: Number(row.required_at), by: row.required_by } : null;
  }

  /** Ends the request once the user registered again. */
  async endReregistration(userId: string): Promise<void> {
    await this.db.deleteFrom('reregistration_requests').where('user_id', '=', userId).execute();
  }

  /** Re-encrypts every registration under the current key; returns how many changed. */
  async reencrypt(): Promise<number> {
    const rows = await this.db.selectFrom('method_registrations').select(['id', 'data']).execute();
    let changed = 0;
    for (const row of rows) {
      if (!this.cipher.needsRotation(row.data)) continue;
      const plain = this.cipher.decrypt(row.data, registrationContext(row.id));
      await this.db.updateTable('method_registrations').set({ data: this.cipher.encrypt(plain, registrationContext(row.id)) }).where('id', '=', row.id).execute();
      changed++;
    }
    return changed;
  }
}
