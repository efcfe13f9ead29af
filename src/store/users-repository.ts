import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, UsersTable } from './schema.js';
import { PreparedQuery } from './prepared-query.js';
import type { Clock } from './clock.js';
import { SsprError } from '../errors/sspr-error.js';
import type { FieldCipher, FieldOpener, SealedField } from '../crypto/field-cipher.js';

/** What every account has, whichever directory delivers it. */
interface AccountFields {
  username: string;
  displayName: string;
  firstName: string;
  lastName: string;
  email: string | null;
  mobile: string | null;
  enabled: boolean;
}

/** A user as stored (structurally the directory's `DirectoryUser` plus what only the store knows). */
export interface UserRecord extends AccountFields {
  id: string;
  isAdmin: boolean;
  /** 'local' for cloud-only accounts, else the directory kind that manages the account. */
  source: string;
  /** Directory accounts: the anchor the sync recorded (entryUUID / objectGUID); null for cloud-only ones. */
  anchor: string | null;
  dn: string | null;
  passwordHash: string | null;
  passwordChangedAt: number | null;
  /** The stored expiry of a directory account's password, when the row was read whole (absent: not read). */
  passwordExpiresAt?: number | null;
  createdAt: number;
}

export interface NewUser {
  username: string;
  displayName?: string;
  firstName?: string;
  lastName?: string;
  email?: string | null;
  mobile?: string | null;
  isAdmin?: boolean;
  passwordHash?: string | null;
  /** 'local' (default) or the directory the account is managed in ('ldap', 'ad'). */
  source?: string;
  anchor?: string | null;
  dn?: string | null;
}

/** An account as a directory sync delivers it. */
export interface DirectoryAccountData extends AccountFields {
  anchor: string;
  dn: string;
  /**
   * Password facts the directory holds (absent: the reader does not know them, e.g. an older agent; stored as
   * null). `passwordExpiresAt` is null when the password never expires or must be changed at the next logon.
   */
  passwordChangedAt?: number | null;
  passwordExpiresAt?: number | null;
  /** The DN in the account's `manager` attribute. */
  managerDn?: string | null;
}

/** The lookups of every sign-in and every signed-in request (prepared-query.ts). */
const userBy = {
  usernameKey: new PreparedQuery((db, $) => db.selectFrom('users').selectAll().where('username_key', '=', $<string>(0))),
  id: new PreparedQuery((db, $) => db.selectFrom('users').selectAll().where('id', '=', $<string>(0))),
  grants: new PreparedQuery((db, $) => db.selectFrom('users').select(['is_admin', 'is_helpdesk', 'helpdesk_scope']).where('id', '=', $<string>(0))),
  session: new PreparedQuery((db, $) =>
    db.selectFrom('sessions').innerJoin('users', 'users.id', 'sessions.user_id').selectAll('users').where('sessions.id_digest', '=', $<string>(0)).where('sessions.expires_at', '>', $<number>(1))),
};

/** The lookup key of a user name: NFC, lower case, trimmed. Two names with the same key are the same user. */
export function usernameKey(username: string): string {
  return username.normalize('NFC').trim().toLowerCase();
}

/** Associated data for the encrypted contact columns: a value only decrypts in its own row and column. */
export const emailContext = (id: string) => `users.email:${id}`;
export const mobileContext = (id: string) => `users.mobile:${id}`;

/** The look-up tag of an e-mail address (trimmed, lower case) as `users.email_lookup` and registrations store it; '' for none. */
export function emailLookup(cipher: FieldCipher, email: string | null | undefined): string {
  return email ? cipher.lookupTag(email.trim().toLowerCase(), 'email') : '';
}

type UserRow = Omit<Selectable<UsersTable>, 'is_helpdesk' | 'helpdesk_scope' | 'password_expires_at' | 'manager_dn'> & { password_expires_at?: number | null };

function toRecord(row: UserRow, cipher: FieldCipher): UserRecord {
  return recordOf(row, cipher.decryptNullable(row.email, emailContext(row.id)), cipher.decryptNullable(row.mobile, mobileContext(row.id)));
}

/** The records of these rows, their contact columns opened by `opener` in one call. */
async function toRecords(rows: readonly UserRow[], opener: FieldOpener): Promise<UserRecord[]> {
  const sealed: SealedField[] = [];
  for (const row of rows) {
    if (row.email !== null) sealed.push({ stored: row.email, context: emailContext(row.id) });
    if (row.mobile !== null) sealed.push({ stored: row.mobile, context: mobileContext(row.id) });
  }
  const opened = await opener.openAll(sealed);
  let next = 0;
  return rows.map((row) => recordOf(row, row.email === null ? null : (opened[next++] as string), row.mobile === null ? null : (opened[next++] as string)));
}

function recordOf(row: UserRow, email: string | null, mobile: string | null): UserRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    firstName: row.first_name,
    lastName: row.last_name,
    email,
    mobile,
    enabled: row.enabled === 1,
    isAdmin: row.is_admin === 1,
    source: row.source,
    anchor: row.anchor,
    dn: row.dn,
    passwordHash: row.password_hash,
    passwordChangedAt: row.password_changed_at,
    ...(row.password_expires_at === undefined ? {} : { passwordExpiresAt: row.password_expires_at }),
    createdAt: row.created_at,
  };
}

/** The column that stores each role (one flag per role). */
/** The stored flag of each role (src/admin/roles.ts lists the roles; its type must equal StoredRole). */
const roleColumns = { administrator: 'is_admin', helpdesk: 'is_helpdesk' } as const satisfies Record<string, keyof UsersTable>;
export type StoredRole = keyof typeof roleColumns;

/** What deleting an account removed with it. */
export interface DeletedUserData {
  registrations: number;
  sessions: number;
  flows: number;
}

/** Users of the local directory. E-mail addresses and phone numbers are stored encrypted. */
export class UsersRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly cipher: FieldCipher,
  ) {}

  async add(user: NewUser): Promise<UserRecord> {
    const key = usernameKey(user.username);
    if (await this.findByUsername(user.username)) throw new SsprError('user-exists', { params: { username: user.username } });
    const now = this.clock.now();
    const firstName = user.firstName ?? '';
    const lastName = user.lastName ?? '';
    const id = randomUUID();
    const row = {
      id,
      username: user.username.normalize('NFC').trim(),
      username_key: key,
      display_name: user.displayName ?? ([firstName, lastName].filter(Boolean).join(' ') || user.username),
      first_name: firstName,
      last_name: lastName,
      email: this.cipher.encryptNullable(user.email ?? null, emailContext(id)),
      email_lookup: emailLookup(this.cipher, user.email),
      mobile: this.cipher.encryptNullable(user.mobile ?? null, mobileContext(id)),
      enabled: 1,
      is_admin: user.isAdmin ? 1 : 0,
      source: user.source ?? 'local',
      anchor: user.anchor ?? null,
      dn: user.dn ?? null,
      password_hash: user.passwordHash ?? null,
      password_changed_at: user.passwordHash ? now : null,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('users').values(row).execute();
    return toRecord(row, this.cipher);
  }

  async findByUsername(username: string): Promise<UserRecord | null> {
    const row = await userBy.usernameKey.first(this.db, usernameKey(username));
    return row ? toRecord(row, this.cipher) : null;
  }

  async findById(id: string): Promise<UserRecord | null> {
    const row = await userBy.id.first(this.db, id);
    return row ? toRecord(row, this.cipher) : null;
  }

  /**
   * The account of the session with this token digest, live at `now`, read with the session in one statement; null
   * when there is no such session. A session's account always exists (a foreign key: deleting the account deletes
   * its sessions).
   */
  async findBySession(digest: string, now: number): Promise<UserRecord | null> {
    const row = await userBy.session.first(this.db, digest, now);
    return row ? toRecord(row, this.cipher) : null;
  }

  /** Like findByUsername, but a missing user is the error `user-not-found`. */
  async get(username: string): Promise<UserRecord> {
    const user = await this.findByUsername(username);
    if (!user) throw new SsprError('user-not-found', { params: { username } });
    return user;
  }

  async list(): Promise<UserRecord[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('username_key').execute();
    return rows.map((row) => toRecord(row, this.cipher));
  }

  /**
   * Up to `limit` accounts after the id `afterId` in id order (keyset pages over every account; '' starts), their
   * contact data opened by `opener` (a sweep's worker thread; default this thread).
   */
  async page(afterId: string, limit: number, opener: FieldOpener = this.cipher): Promise<UserRecord[]> {
    const rows = await this.db.selectFrom('users').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
    return toRecords(rows, opener);
  }

  /** Account ids after `afterId` in id order, at most `limit` (the decoy population, a page at a time). */
  async idsAfter(afterId: string, limit: number): Promise<string[]> {
    return (await this.db.selectFrom('users').select('id').where('id', '>', afterId).orderBy('id').limit(limit).execute()).map((row) => row.id);
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('users').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async setEnabled(id: string, enabled: boolean): Promise<void> {
    await this.setFlags(id, { enabled });
  }

  /** Sets whether the account is enabled and/or an administrator. */
  async setFlags(id: string, flags: { enabled?: boolean; isAdmin?: boolean }): Promise<void> {
    await this.db
      .updateTable('users')
      .set({
        ...(flags.enabled !== undefined ? { enabled: flags.enabled ? 1 : 0 } : {}),
        ...(flags.isAdmin !== undefined ? { is_admin: flags.isAdmin ? 1 : 0 } : {}),
        updated_at: this.clock.now(),
      })
      .where('id', '=', id)
      .execute();
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    const now = this.clock.now();
    await this.db
      .updateTable('users')
      .set({ password_hash: passwordHash, password_changed_at: now, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  /** Sets or clears the contact data the organisation holds. */
  async setContact(id: string, contact: { email?: string | null; mobile?: string | null }): Promise<void> {
    await this.db
      .updateTable('users')
      .set({
        ...(contact.email !== undefined ? { email: this.cipher.encryptNullable(contact.email, emailContext(id)), email_lookup: emailLookup(this.cipher, contact.email) } : {}),
        ...(contact.mobile !== undefined ? { mobile: this.cipher.encryptNullable(contact.mobile, mobileContext(id)) } : {}),
        updated_at: this.clock.now(),
      })
      .where('id', '=', id)
      .execute();
  }

  /** Re-encrypts contact data under the cipher's current key; returns how many rows changed. */
  async reencrypt(): Promise<number> {
    const rows = await this.db.selectFrom('users').select(['id', 'email', 'mobile']).execute();
    let changed = 0;
    for (const row of rows) {
      if (!this.cipher.needsRotation(row.email) && !this.cipher.needsRotation(row.mobile)) continue;
      await this.setContact(row.id, {
        email: this.cipher.decryptNullable(row.email, emailContext(row.id)),
        mobile: this.cipher.decryptNullable(row.mobile, mobileContext(row.id)),
      });
      changed++;
    }
    return changed;
  }

  /** The e-mail domain most users have (for plausible hints of unknown users); null when nobody has mail. */
  async mostCommonEmailDomain(): Promise<string | null> {
    const rows = await this.db.selectFrom('users').select(['id', 'email']).where('email', 'is not', null).limit(1000).execute();
    const counts = new Map<string, number>();
    for (const row of rows) {
      const domain = this.cipher.decryptNullable(row.email, emailContext(row.id))?.split('@')[1]?.toLowerCase();
      if (domain) counts.set(domain, (counts.get(domain) ?? 0) + 1);
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  }

  /** The roles the account holds. */
  async rolesOf(id: string): Promise<StoredRole[]> {
    const row = await this.db.selectFrom('users').select(['is_admin', 'is_helpdesk']).where('id', '=', id).executeTakeFirst();
    if (!row) return [];
    return (Object.keys(roleColumns) as StoredRole[]).filter((role) => row[roleColumns[role]] === 1);
  }

  /** The roles the account holds and the group a helpdesk grant is limited to (null: not limited). */
  async grantsOf(id: string): Promise<{ roles: StoredRole[]; helpdeskScope: string | null }> {
    const row = await userBy.grants.first(this.db, id);
    if (!row) return { roles: [], helpdeskScope: null };
    const roles = (Object.keys(roleColumns) as StoredRole[]).filter((role) => row[roleColumns[role]] === 1);
    return { roles, helpdeskScope: row.is_helpdesk === 1 ? row.helpdesk_scope : null };
  }

  /** Limits (a group name) or unlimits (null) the account's helpdesk grant. */
  async setHelpdeskScope(id: string, group: string | null): Promise<void> {
    await this.db.updateTable('users').set({ helpdesk_scope: group, updated_at: this.clock.now() }).where('id', '=', id).execute();
  }

  /**
   * Of these user names, the accounts a helpdesk grant lets its holder act on, as username keys, in one query: no
   * role held (administrator or helpdesk), and, when the grant is limited to `scopeGroup`, a member of that group
   * directly or through nested groups (a recursive query; UNION ends loops made outside the CLI). Names of no
   * account are left out.
   */
  async helpdeskActable(usernames: readonly string[], scopeGroup: string | null): Promise<Set<string>> {
    const keys = [...new Set(usernames.map(usernameKey))];
    if (keys.length === 0) return new Set();
    const base = (db: Kysely<Database>) =>
      db.selectFrom('users as u').select('u.username_key').where('u.username_key', 'in', keys).where('u.is_admin', '=', 0).where('u.is_helpdesk', '=', 0);
    const rows =
      scopeGroup === null
        ? await base(this.db).execute()
        : await this.db
            .withRecursive('scope(id)', (db) =>
              db
                .selectFrom('groups')
                .select('id')
                .where('name_key', '=', scopeGroup.normalize('NFC').trim().toLowerCase())
                .union((inner) =>
                  inner.selectFrom('group_members as gm').innerJoin('scope', 'scope.id', 'gm.group_id').select('gm.member_id as id').where('gm.member_type', '=', 'group'),
                ),
            )
            .selectFrom('users as u')
            .select('u.username_key')
            .where('u.username_key', 'in', keys)
            .where('u.is_admin', '=', 0)
            .where('u.is_helpdesk', '=', 0)
            .where((eb) =>
              eb.exists(
                eb
                  .selectFrom('group_members as m')
                  .select('m.member_id')
                  .whereRef('m.member_id', '=', 'u.id')
                  .where('m.member_type', '=', 'user')
                  .where('m.group_id', 'in', eb.selectFrom('scope').select('scope.id')),
              ),
            )
            .execute();
    return new Set(rows.map((row) => row.username_key));
  }

  /** Every account holding a role, by name: its roles and helpdesk scope. */
  async operators(): Promise<Array<{ id: string; username: string; displayName: string; enabled: boolean; roles: StoredRole[]; helpdeskScope: string | null }>> {
    const rows = await this.db
      .selectFrom('users')
      .select(['id', 'username', 'display_name', 'enabled', 'is_admin', 'is_helpdesk', 'helpdesk_scope'])
      // Literal values, as in the partial index `users_operators` (migration 024): a bound parameter would not match it.
      .where(sql<boolean>`is_admin = 1 or is_helpdesk = 1`)
      .orderBy('username_key')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      enabled: row.enabled === 1,
      roles: (Object.keys(roleColumns) as StoredRole[]).filter((role) => row[roleColumns[role]] === 1),
      helpdeskScope: row.is_helpdesk === 1 ? row.helpdesk_scope : null,
    }));
  }

  /** Grants (`held`) or takes away a role; true when that changed the account. */
  async setRole(id: string, role: StoredRole, held: boolean): Promise<boolean> {
    const column = roleColumns[role];
    const result = await this.db
      .updateTable('users')
      .set({ [column]: held ? 1 : 0, updated_at: this.clock.now() })
      .where('id', '=', id)
      .where(column, '=', held ? 0 : 1)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /**
   * Deletes the account with everything that hangs on it (registrations, sessions, reset flows and their codes,
   * password history, group memberships, direct licence assignments) in one transaction; `alongside` runs in the
   * same transaction (the audit record of the deletion), so either all of it happens or none.
   */
  async delete(id: string, alongside: (db: Kysely<Database>, removed: DeletedUserData) => Promise<void>): Promise<DeletedUserData> {
    return this.db.transaction().execute(async (trx) => {
      const deleted = (result: { numDeletedRows: bigint }) => Number(result.numDeletedRows);
      const flows = trx.selectFrom('reset_flows').select('id_digest').where('user_id', '=', id);
      await trx.deleteFrom('reset_codes').where('flow_digest', 'in', flows).execute();
      const removed = {
        flows: deleted(await trx.deleteFrom('reset_flows').where('user_id', '=', id).executeTakeFirstOrThrow()),
        registrations: deleted(await trx.deleteFrom('method_registrations').where('user_id', '=', id).executeTakeFirstOrThrow()),
        sessions: deleted(await trx.deleteFrom('sessions').where('user_id', '=', id).executeTakeFirstOrThrow()),
      };
      await trx.deleteFrom('password_history').where('user_id', '=', id).execute();
      await trx.deleteFrom('reregistration_requests').where('user_id', '=', id).execute();
      await trx.deleteFrom('group_members').where('member_type', '=', 'user').where('member_id', '=', id).execute();
      await trx.deleteFrom('licence_assignments').where('principal_type', '=', 'user').where('principal_id', '=', id).execute();
      await trx.deleteFrom('users').where('id', '=', id).execute();
      await alongside(trx, removed);
      return removed;
    });
  }
}
