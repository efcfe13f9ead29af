import type { StoredRole } from '../store/users-repository.js';

/**
 * The roles an account can hold (`sspr role assign|remove`). An administrator may do everything; a helpdesk
 * operator is the stored grant for help with other users' accounts. Each role is one stored flag on the account.
 */
export const userRoles = ['administrator', 'helpdesk'] as const satisfies readonly StoredRole[];

export type UserRole = (typeof userRoles)[number];

export function isUserRole(value: string): value is UserRole {
  return (userRoles as readonly string[]).includes(value);
}
