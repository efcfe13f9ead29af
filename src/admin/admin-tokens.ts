import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Clock } from '../store/clock.js';
import { randomToken, safeEqual, tokenDigest } from '../crypto/tokens.js';
import { SsprError } from '../errors/sspr-error.js';

/** Token format: `sspr_admin_<id>.<secret>`; id 64-bit hex (lookup), secret 192-bit base64url (never stored). */
const PREFIX = 'sspr_admin_';
const FORMAT = /^sspr_admin_([0-9a-f]{16})\.([A-Za-z0-9_-]{32})$/;

export interface AdminTokenInfo {
  id: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/**
 * Administrator API tokens for the admin API (`Authorization: Bearer …`). Stored as SHA-256 of the secret part;
 * the whole token is returned once at creation. Verification compares digests in constant time.
 */
export class AdminTokens {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async create(name: string): Promise<{ id: string; token: string }> {
    const id = randomBytes(8).toString('hex');
    const secret = randomToken(24);
    await this.db
      .insertInto('admin_tokens')
      .values({ id, name, secret_hash: tokenDigest(secret), created_at: this.clock.now(), last_used_at: null, revoked_at: null })
      .execute();
    return { id, token: `${PREFIX}${id}.${secret}` };
  }

  async list(): Promise<AdminTokenInfo[]> {
    const rows = await this.db.selectFrom('admin_tokens').selectAll().orderBy('created_at').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: Number(r.created_at), lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at), revokedAt: r.revoked_at === null ? null : Number(r.revoked_at) }));
  }

  async revoke(id: string): Promise<boolean> {
    const result = await this.db.updateTable('admin_tokens').set({ revoked_at: this.clock.now() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Checks an `Authorization` header value: `admin-token-missing` (401) when there is no bearer token,
   * `admin-token-invalid` (401) when it is malformed, unknown, revoked or wrong. The digest comparison is
   * constant-time, and an unknown id costs the same comparison against a dummy digest.
   */
  async verify(authorization: string | undefined): Promise<AdminTokenInfo> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '');
    if (!match) throw new SsprError('admin-token-missing');
    const parsed = FORMAT.exec(match[1] as string);
    const row = parsed ? await this.db.selectFrom('admin_tokens').selectAll().where('id', '=', parsed[1] as string).executeTakeFirst() : undefined;
    const presented = tokenDigest(parsed?.[2] ?? 'x');
    const ok = safeEqual(presented, row?.secret_hash ?? tokenDigest('dummy'));
    if (!row || !ok || row.revoked_at !== null) throw new SsprError('admin-token-invalid');
    const now = this.clock.now();
    await this.db.updateTable('admin_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
    return { id: row.id, name: row.name, createdAt: Number(row.created_at), lastUsedAt: now, revokedAt: null };
  }
}
