import { sql, type RawBuilder } from 'kysely';

/** The `(type, id)` column pairs that point at a principal (a user or a group). */
type PrincipalColumns =
  | ['group_members.member_type', 'group_members.member_id']
  | ['licence_assignments.principal_type', 'licence_assignments.principal_id'];

/**
 * The name of the principal a `(type, id)` pair of columns points at — a user's user name for `user`, a group's
 * name for `group` — as one correlated expression (a primary-key lookup per row); null when the principal is gone.
 * Group members and licence assignments name their principals this one way.
 */
export function principalName(...[type, id]: PrincipalColumns): RawBuilder<string | null> {
  return sql<string | null>`case when ${sql.ref(type)} = 'user' then (select users.username from users where users.id = ${sql.ref(id)}) else (select groups.name from groups where groups.id = ${sql.ref(id)}) end`;
}
