import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Clock } from '../store/clock.js';
import { randomToken, safeEqual, tokenDigest } from '../crypto/tokens.js';
import { SsprError } from '../errors/sspr-error.js';

/** Token format: `sspr_admin_<id>.<secret>`; id 64-bit hex (lookup), secret 192-bit base64url (never stored). */
const PREFIX = 'sspr_admin_';
const FORMAT = /^sspr_admin_([0-9a-f]{16})\.([A-Za-z0-9_-]{32})$/;

/**
 * What a token may do: `read-only` (reports, doctor, audit), `helpdesk` (that plus resets and unlocks of accounts
 * without a role), `admin` (everything). Tokens made before scopes existed hold `admin`.
 */
export const adminTokenScopes = ['read-only', 'helpdesk', 'admin'] as const;
export type AdminTokenScope = (typeof adminTokenScopes)[number];

export function isAdminTokenScope(value: string): value is AdminTokenScope {
  return (adminTokenScopes as readonly string[]).includes(value);
}

export interface AdminTokenInfo {
  id: string;
  name: string;
  scope: AdminTokenScope;
  createdAt: number;
  /** Null: the token does not lapse. */
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

function toInfo(r: { id: string; name: string; scope: string; created_at: number; expires_at: number | null; last_used_at: number | null; revoked_at: number | null }): AdminTokenInfo {
  const num = (value: number | null) => (value === null ? null : Number(value));
  return {
    id: r.id,
    name: r.name,
    // An unknown stored scope grants the least.
    scope: isAdminTokenScope(r.scope) ? r.scope : 'read-only',
    createdAt: Number(r.created_at),
    expiresAt: num(r.expires_at),
    lastUsedAt: num(r.last_used_at),
    revokedAt: num(r.revoked_at),
  };
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

  /** A new token with `scope`, lapsing `expiresInMs` from now (undefined: never). The whole token is returned once. */
  async create(name: string, options: { scope?: AdminTokenScope; expiresInMs?: number } = {}): Promise<{ id: string; token: string; info: AdminTokenInfo }> {
    const id = randomBytes(8).toString('hex');
    const secret = randomToken(24);
    const now = this.clock.now();
    const row = {
      id,
      name,
      scope: options.scope ?? 'admin',
      secret_hash: tokenDigest(secret),
      created_at: now,
      expires_at: options.expiresInMs === undefined ? null : now + options.expiresInMs,
      last_used_at: null,
      revoked_at: null,
    };
    await this.db.insertInto('admin_tokens').values(row).execute();
    return { id, token: `${PREFIX}${id}.${secret}`, info: toInfo(row) };
  }

  async list(): Promise<AdminTokenInfo[]> {
    const rows = await this.db.selectFrom('admin_tokens').selectAll().orderBy('created_at').execute();
    return rows.map(toInfo);
  }

  async revoke(id: string): Promise<boolean> {
    const result = await this.db.updateTable('admin_tokens').set({ revoked_at: this.clock.now() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Checks an `Authorization` header value: `admin-token-missing` (401) when there is no bearer token,
   * `admin-token-invalid` (401) when it is malformed, unknown, revoked or wrong, `admin-token-expired` (401) when
   * it lapsed. The digest comparison is constant-time, and an unknown id costs the same comparison against a dummy
   * digest. A use is recorded as the token's last use.
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
    if (row.expires_at !== null && Number(row.expires_at) <= now) throw new SsprError('admin-token-expired');
    await this.db.updateTable('admin_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
    return toInfo({ ...row, last_used_at: now });
  }
}
