import type { AuditEntry } from '../audit/audit-events.js';
import type { LicencesRepository } from '../store/licences-repository.js';
import { SsprError } from '../errors/sspr-error.js';

/** The plans that exist: `sspr` (cloud-only accounts) and `sspr-writeback` (directory accounts). */
export const licencePlans = ['sspr', 'sspr-writeback'] as const;
export type LicencePlan = (typeof licencePlans)[number];
export const isLicencePlan = (value: unknown): value is LicencePlan => (licencePlans as readonly unknown[]).includes(value);

/** A user or a group a licence goes to, as resolved (it exists). */
export interface LicencePrincipal {
  type: 'user' | 'group';
  id: string;
  name: string;
}

export interface LicenceAssignmentsDeps {
  licences: Pick<LicencesRepository, 'assign' | 'unassign' | 'list'>;
  /** The user or group by name (exactly one given): 404 user-not-found / group-not-found. */
  principal(named: { user?: string; group?: string }): Promise<LicencePrincipal>;
  record(entry: AuditEntry<'licence-assigned' | 'licence-unassigned'>): Promise<void>;
}

/**
 * Licence assignments, one use-case for the console, the admin API and `sspr license`: assign a plan to a user or a
 * group (members and nested groups inherit it), take it away from the principal it was assigned to directly
 * (404 `licence-not-assigned` when it was not); both audited with who did it. An unknown plan is refused.
 */
export class LicenceAssignments {
  constructor(private readonly deps: LicenceAssignmentsDeps) {}

  list(): ReturnType<LicencesRepository['list']> {
    return this.deps.licences.list();
  }

  async assign(plan: string, named: { user?: string; group?: string }, by: string): Promise<LicencePrincipal> {
    const [checked, principal] = [this.plan(plan), await this.deps.principal(named)];
    await this.deps.licences.assign(checked, principal.type, principal.id);
    await this.record('licence-assigned', checked, principal, by);
    return principal;
  }

  async unassign(plan: string, named: { user?: string; group?: string }, by: string): Promise<LicencePrincipal> {
    const [checked, principal] = [this.plan(plan), await this.deps.principal(named)];
    if (!(await this.deps.licences.unassign(checked, principal.type, principal.id))) throw new SsprError('licence-not-assigned', { params: { plan: checked, principal: principal.name } });
    await this.record('licence-unassigned', checked, principal, by);
    return principal;
  }

  private plan(plan: string): LicencePlan {
    if (!isLicencePlan(plan)) throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: `the plan is ${licencePlans.join(' or ')}, not "${plan.slice(0, 64)}"` });
    return plan;
  }

  private record(event: 'licence-assigned' | 'licence-unassigned', plan: LicencePlan, principal: LicencePrincipal, by: string): Promise<void> {
    const account = principal.type === 'user' ? { userId: principal.id, username: principal.name } : {};
    return this.deps.record({ event, outcome: 'success', ...account, detail: { by, plan, principalType: principal.type, principal: principal.name } });
  }
}

/** Resolves `{user}` or `{group}` (exactly one) through lookups that throw 404 for an unknown name. */
export function principalResolver(lookups: { user(name: string): Promise<{ id: string; username: string }>; group(name: string): Promise<{ id: string; name: string }> }) {
  return async (named: { user?: string; group?: string }): Promise<LicencePrincipal> => {
    if ((named.user === undefined) === (named.group === undefined)) {
      throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: 'give exactly one of user or group' });
    }
    if (named.user !== undefined) {
      const user = await lookups.user(named.user);
      return { type: 'user', id: user.id, name: user.username };
    }
    const group = await lookups.group(named.group as string);
    return { type: 'group', id: group.id, name: group.name };
  };
}
