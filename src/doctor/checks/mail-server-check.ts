import type { Finding } from '../doctor-types.js';
import { iso, type CountContext, type ServiceFacts, type UserFacts } from '../facts.js';
import type { DoctorCheck } from '../doctor-check.js';
import { requiredMethods, usableMethods } from '../../policy/eligibility.js';
import { adminPolicy } from '../../policy/sspr-policy.js';
import { deliverable, usersShort } from './method-checks.js';
import { STORE_BASIS } from './basis.js';

/**
 * E-mail codes cannot reach anyone now: no SMTP server is configured (outside the demo, whose codes appear on
 * /demo/outbox), or the configured one did not answer the start-up probe or the last send. One rule for the
 * user-level verdict, the set-based count and the readiness sweep.
 */
export function emailUndeliverable(facts: Pick<ServiceFacts, 'mailServer' | 'config'>): boolean {
  const { status } = facts.mailServer;
  return status === 'unreachable' || (status === 'not-configured' && !facts.config.demo);
}

/**
 * E-mail is what makes this user able to reset: with it their distinct usable method types reach the number the
 * policy asks for (administrators: two-gate), without it they do not.
 */
export function needsEmail(facts: UserFacts): boolean {
  const types = new Set(usableMethods(facts.user, facts.registrations, facts.policy).map((m) => m.type));
  const required = requiredMethods(facts.user, facts.policy);
  return types.has('email') && types.size >= required && types.size - 1 < required;
}

/**
 * `mail-server-reachable`: the SMTP server answered the start-up probe or the last send. For the service an
 * unreachable server fails (codes by e-mail are not arriving now). For one user it fails when e-mail is the method
 * they need (see `needsEmail`): they cannot reset until codes can leave again, whether the server is unreachable
 * or none is configured; otherwise it warns (their other methods still work, and nothing is lost: mail waits in
 * the outbox).
 */
export function mailServerReachable(facts: ServiceFacts, level: 'user' | 'service', user?: UserFacts): Finding {
  const { status, reason, at } = facts.mailServer;
  const evidence: Finding['evidence'] = [['mail-server', { status, at: at ? iso(at) : '-', reason: reason ?? '-' }]];
  if (user && emailUndeliverable(facts) && needsEmail(user)) {
    return { id: 'mail-server-reachable', status: 'fail', key: 'needed', params: { reason: status === 'unreachable' ? (reason ?? '-') : '-' }, evidence };
  }
  if (status === 'not-configured') return { id: 'mail-server-reachable', status: 'skip', key: 'not-configured', evidence };
  if (status === 'unknown') return { id: 'mail-server-reachable', status: 'warn', key: 'unknown', evidence };
  if (status === 'reachable') return { id: 'mail-server-reachable', status: 'pass', key: 'ok', params: { at: iso(at ?? facts.now) }, evidence };
  return { id: 'mail-server-reachable', status: level === 'service' ? 'fail' : 'warn', key: 'unreachable', params: { at: iso(at ?? facts.now), reason: reason ?? '-' }, evidence };
}

/** Enabled users (administrators or not) whom e-mail makes able to reset: short without it, not short with it. */
async function usersNeedingEmail(context: CountContext, admins: boolean): Promise<number> {
  const allowed = deliverable(context.facts).filter((t) => !(admins && adminPolicy.forbidden.includes(t)));
  if (!allowed.includes('email')) return 0;
  const required = admins ? adminPolicy.methodsRequired : context.facts.policy.methodsRequired;
  const [withoutEmail, withEmail] = await Promise.all([
    usersShort(context, admins, allowed.filter((t) => t !== 'email'), required),
    usersShort(context, admins, allowed, required),
  ]);
  return withoutEmail - withEmail;
}

export const mailServerReachableCheck: DoctorCheck = {
  id: 'mail-server-reachable',
  user: (facts) => mailServerReachable(facts, 'user', facts),
  service: (facts) => mailServerReachable(facts, 'service'),
  async count(context) {
    if (!emailUndeliverable(context.facts)) return { failing: 0, warning: 0, basis: 'none while e-mail can be delivered' };
    const [users, admins] = await Promise.all([usersNeedingEmail(context, false), usersNeedingEmail(context, true)]);
    return { failing: users + admins, warning: 0, basis: `${STORE_BASIS}: users whom e-mail makes able to reset` };
  },
};
