import type { AuditCursor, AuditExportFilter } from '../store/audit-repository.js';
import type { UsersRepository } from '../store/users-repository.js';

/** What the audit page and API filter by (validated: see console-schemas.ts). */
export interface AuditQuery {
  user?: string;
  event?: string;
  outcome?: string;
  since?: number;
  until?: number;
}

/** The store filter of a query: a user name also finds the account's events recorded under its id. */
export async function auditFilterOf(query: AuditQuery, users: Pick<UsersRepository, 'findByUsername'>): Promise<AuditExportFilter> {
  const filter: AuditExportFilter = { since: query.since, until: query.until, event: query.event, outcome: query.outcome };
  if (query.user !== undefined) filter.user = { id: (await users.findByUsername(query.user))?.id ?? null, username: query.user.normalize('NFC').trim() };
  return filter;
}

/** The page cursor as the client holds it: `<at>.<id>` in base64url; anything else is "no cursor". */
export function encodeAuditCursor(cursor: AuditCursor): string {
  return Buffer.from(`${cursor.at}.${cursor.id}`).toString('base64url');
}

export function decodeAuditCursor(text: string | undefined): AuditCursor | null {
  if (!text) return null;
  const match = /^(\d{1,16})\.(\d{1,16})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  return match ? { at: Number(match[1]), id: Number(match[2]) } : null;
}

/** The user-list cursor: the last user name key shown, in base64url. */
export const encodeUserCursor = (key: string) => Buffer.from(key).toString('base64url');
export const decodeUserCursor = (text: string | undefined) => (text ? Buffer.from(text, 'base64url').toString('utf8').slice(0, 300) : undefined);
