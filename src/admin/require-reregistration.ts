import type { AuditEntry } from '../audit/audit-events.js';
import type { RegistrationsRepository } from '../store/registrations-repository.js';

/** Who asked, for the audit trail (`user:<name>`, `token:<id>`, `cli`), and from where. */
export interface ReregistrationActor {
  label: string;
  ip?: string;
  userAgent?: string;
}

export interface ReregistrationDeps {
  registrations: Pick<RegistrationsRepository, 'requireReregistration'>;
  record(entry: AuditEntry<'reregistration-required'>): Promise<void>;
  now(): number;
  /** Tells the owner on the channels they registered, while those are still known (null: no notices here). */
  notify: (() => Promise<void>) | null;
}

/**
 * "Require re-registration" (console, API and `sspr user methods reregister` run this one function): the owner is
 * told first (a registered address is a channel only until it is removed), then every registered method is removed
 * and a standing request recorded in one transaction — sign-in sends the owner to their security info until the
 * methods they register afterwards meet the policy, and no removed method verifies a reset any more. Directory
 * contact data (the account's e-mail address and mobile number) is the organisation's and stays. Audited
 * `reregistration-required` with the operator and the types removed.
 */
export async function requireReregistration(deps: ReregistrationDeps, user: { id: string; username: string }, actor: ReregistrationActor): Promise<{ removed: string[] }> {
  if (deps.notify) await deps.notify();
  const removed = await deps.registrations.requireReregistration(user.id, deps.now(), actor.label);
  await deps.record({ event: 'reregistration-required', outcome: 'success', userId: user.id, username: user.username, ip: actor.ip, userAgent: actor.userAgent, detail: { by: actor.label, removed: removed.length, types: [...new Set(removed)].sort().join(',') } });
  return { removed };
}
