import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** The keyring as stored: wrapped keys only; unwrapping is the caller's (src/crypto/shared-keyring.ts). */
export interface StoredKeyring {
  version: number;
  currentKeyId: string;
  masterCheck: string;
  /** Key id → wrapped key. */
  wrappedKeys: Map<string, string>;
}

const ROW = 1;

/** The data-encryption keyring every node of one store shares. Every change raises `version` by one. */
export class KeyringRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The keyring's version, or null when the store has none yet. One indexed read: what nodes poll. */
  async version(): Promise<number | null> {
    const row = await this.db.selectFrom('keyring').select('version').where('id', '=', ROW).executeTakeFirst();
    return row ? Number(row.version) : null;
  }

  async read(): Promise<StoredKeyring | null> {
    const row = await this.db.selectFrom('keyring').selectAll().where('id', '=', ROW).executeTakeFirst();
    if (!row) return null;
    const keys = await this.db.selectFrom('keyring_keys').select(['id', 'wrapped_key']).execute();
    return {
      version: Number(row.version),
      currentKeyId: row.current_key_id,
      masterCheck: row.master_check,
      wrappedKeys: new Map(keys.map((key) => [key.id, key.wrapped_key])),
    };
  }

  /**
   * Creates the keyring unless the store already has one (two nodes starting at once: the first wins);
   * returns whether this call created it.
   */
  async create(init: Omit<StoredKeyring, 'version'>, now: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('keyring')
        .values({ id: ROW, version: 1, current_key_id: init.currentKeyId, master_check: init.masterCheck, updated_at: now })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      for (const [id, wrapped] of init.wrappedKeys) {
        await trx.insertInto('keyring_keys').values({ id, wrapped_key: wrapped, created_at: now }).execute();
      }
      return true;
    });
  }

  /** Stores a new key (not yet current). */
  async addKey(id: string, wrapped: string, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('keyring_keys').values({ id, wrapped_key: wrapped, created_at: now }).execute();
      await this.bump(trx, now);
    });
  }

  async makeCurrent(id: string, now: number): Promise<void> {
    await this.bump(this.db, now, id);
  }

  /** Deletes every stored key except `keep`; returns the ids deleted. */
  async retireAllBut(keep: string, now: number): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const retired = await trx.deleteFrom('keyring_keys').where('id', '!=', keep).returning('id').execute();
      await this.bump(trx, now);
      return retired.map((row) => row.id);
    });
  }

  /** True when the store holds accounts (and so, possibly, data encrypted under some master key). */
  async holdsAccounts(): Promise<boolean> {
    return (await this.db.selectFrom('users').select('id').limit(1).executeTakeFirst()) !== undefined;
  }

  private async bump(db: Kysely<Database>, now: number, currentKeyId?: string): Promise<void> {
    await db
      .updateTable('keyring')
      .set((eb) => ({ version: eb('version', '+', 1), updated_at: now, ...(currentKeyId ? { current_key_id: currentKeyId } : {}) }))
      .where('id', '=', ROW)
      .execute();
  }
}
