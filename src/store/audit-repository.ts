import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface AuditEvent {
  event: string;
  outcome: 'success' | 'failure' | 'info';
  userId?: string | null;
  username?: string | null;
  /** A short, non-secret reference to the flow (never the flow id itself). */
  flow?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** Non-secret detail: error codes, method types. Never a code, token or password. Undefined values are left out. */
  detail?: Readonly<Record<string, string | number | boolean | null | undefined>>;
}

export interface AuditRecord extends AuditEvent {
  id: number;
  at: number;
}

export class AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async record(at: number, event: AuditEvent): Promise<void> {
    await this.db
      .insertInto('audit_events')
      .values({
        at,
        event: event.event,
        outcome: event.outcome,
        user_id: event.userId ?? null,
        username: event.username ?? null,
        flow: event.flow ?? null,
        ip: event.ip ?? null,
        user_agent: event.userAgent?.slice(0, 300) ?? null,
        detail: event.detail ? JSON.stringify(event.detail) : null,
      })
      .execute();
  }

  async list(filter: { username?: string; limit?: number } = {}): Promise<AuditRecord[]> {
    let query = this.db.selectFrom('audit_events').selectAll().orderBy('id', 'asc');
    if (filter.username) query = query.where('username', '=', filter.username);
    const rows = await query.limit(filter.limit ?? 1000).execute();
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      event: row.event,
      outcome: row.outcome as AuditRecord['outcome'],
      userId: row.user_id,
      username: row.username,
      flow: row.flow,
      ip: row.ip,
      userAgent: row.user_agent,
      detail: row.detail ? (JSON.parse(row.detail) as AuditRecord['detail']) : undefined,
    }));
  }
}
