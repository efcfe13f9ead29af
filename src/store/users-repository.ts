import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, UsersTable } from './schema.js';
import type { Clock } from './clock.js';
import { SsprError } from '../errors/sspr-error.js';

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  firstName: string;
  lastName: string;
  email: string | null;
  mobile: string | null;
  enabled: boolean;
  isAdmin: boolean;
  source: string;
  passwordHash: string | null;
  passwordChangedAt: number | null;
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
}

/** The lookup key of a user name: NFC, lower case, trimmed. Two names with the same key are the same user. */
export function usernameKey(username: string): string {
  return username.normalize('NFC').trim().toLowerCase();
}

function toRecord(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    mobile: row.mobile,
    enabled: row.enabled === 1,
    isAdmin: row.is_admin === 1,
    source: row.source,
    passwordHash: row.password_hash,
    passwordChangedAt: row.password_changed_at,
    createdAt: row.created_at,
  };
}

export class UsersRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async add(user: NewUser): Promise<UserRecord> {
    const key = usernameKey(user.username);
    if (await this.findByUsername(user.username)) throw new SsprError('user-exists', { params: { username: user.username } });
    const now = this.clock.now();
    const firstName = user.firstName ?? '';
    const lastName = user.lastName ?? '';
    const row = {
      id: randomUUID(),
      username: user.username.normalize('NFC').trim(),
      username_key: key,
      display_name: user.displayName ?? ([firstName, lastName].filter(Boolean).join(' ') || user.username),
      first_name: firstName,
      last_name: lastName,
      email: user.email ?? null,
      mobile: user.mobile ?? null,
      enabled: 1,
      is_admin: user.isAdmin ? 1 : 0,
      source: 'local',
      password_hash: user.passwordHash ?? null,
      password_changed_at: user.passwordHash ? now : null,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('users').values(row).execute();
    return toRecord(row);
  }

  async findByUsername(username: string): Promise<UserRecord | null> {
    const row = await this.db.selectFrom('users').selectAll().where('username_key', '=', usernameKey(username)).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async findById(id: string): Promise<UserRecord | null> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  /** Like findByUsername, but a missing user is the error `user-not-found`. */
  async get(username: string): Promise<UserRecord> {
    const user = await this.findByUsername(username);
    if (!user) throw new SsprError('user-not-found', { params: { username } });
    return user;
  }

  async list(): Promise<UserRecord[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('username_key').execute();
    return rows.map(toRecord);
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('users').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async setEnabled(id: string, enabled: boolean): Promise<void> {
    await this.db.updateTable('users').set({ enabled: enabled ? 1 : 0, updated_at: this.clock.now() }).where('id', '=', id).execute();
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    const now = this.clock.now();
    await this.db
      .updateTable('users')
      .set({ password_hash: passwordHash, password_changed_at: now, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  /** The e-mail domain most users have (for plausible hints of unknown users); null when nobody has mail. */
  async mostCommonEmailDomain(): Promise<string | null> {
    const rows = await this.db.selectFrom('users').select('email').where('email', 'is not', null).limit(1000).execute();
    const counts = new Map<string, number>();
    for (const { email } of rows) {
      const domain = email?.split('@')[1]?.toLowerCase();
      if (domain) counts.set(domain, (counts.get(domain) ?? 0) + 1);
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  }
}
