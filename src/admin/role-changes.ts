import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Clock } from '../store/clock.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { UserRole } from './roles.js';
import { UsersRepository } from '../store/users-repository.js';
import { SessionsRepository } from '../store/sessions-repository.js';
import { AuditRepository } from '../store/audit-repository.js';
import type { AuditEntry, AuditEventName } from '../audit/audit-events.js';

const record = <E extends AuditEventName>(db: Kysely<Database>, at: number, entry: AuditEntry<E>) => new AuditRepository(db).record(at, entry);

/**
 * Grants (`held`) or takes away a role — for the CLI and the console alike. For helpdesk, `scope` limits the grant
 * to a group's members (a group name; null: every account without a role; undefined: leave as it is). The change,
 * the end of the account's sessions (on taking a role away: a session never outlives the right it relied on) and
 * the audit record (`by`: 'cli' or the operator's label) are one transaction. Asking for what already holds changes
 * nothing, records nothing and answers false.
 */
export async function changeRole(
  db: Kysely<Database>,
  parts: { clock: Clock; cipher: FieldCipher },
  by: string,
  account: { id: string; username: string },
  role: UserRole,
  held: boolean,
  scope?: string | null,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const users = new UsersRepository(trx, parts.clock, parts.cipher);
    const flagChanged = await users.setRole(account.id, role, held);
    const before = (await users.grantsOf(account.id)).helpdeskScope;
    const scopeChanged = held && role === 'helpdesk' && scope !== undefined && before !== scope;
    if (scopeChanged) await users.setHelpdeskScope(account.id, scope);
    if (!flagChanged && !scopeChanged) return false;
    if (!held) await new SessionsRepository(trx).deleteForUser(account.id);
    const base = { outcome: 'success' as const, userId: account.id, username: account.username };
    const limitedTo = role === 'helpdesk' ? (scopeChanged ? scope : before) : null;
    if (held) await record(trx, parts.clock.now(), { ...base, event: 'role-assigned', detail: { by, role, ...(limitedTo ? { scope: limitedTo } : {}) } });
    else await record(trx, parts.clock.now(), { ...base, event: 'role-removed', detail: { by, role } });
    return true;
  });
}
