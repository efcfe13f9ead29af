import type { Finding } from '../doctor-types.js';
import { iso, type ServiceFacts } from '../facts.js';
import type { DoctorCheck } from '../doctor-check.js';

/**
 * `mail-server-reachable`: the SMTP server answered the start-up probe or the last send. For the service an
 * unreachable server fails (codes by e-mail are not arriving now); for one user it warns (their other methods
 * may still work, and nothing is lost: mail waits in the outbox).
 */
export function mailServerReachable(facts: ServiceFacts, level: 'user' | 'service'): Finding {
  const { status, reason, at } = facts.mailServer;
  const evidence: Finding['evidence'] = [['mail-server', { status, at: at ? iso(at) : '-', reason: reason ?? '-' }]];
  if (status === 'not-configured') return { id: 'mail-server-reachable', status: 'skip', key: 'not-configured', evidence };
  if (status === 'unknown') return { id: 'mail-server-reachable', status: 'warn', key: 'unknown', evidence };
  if (status === 'reachable') return { id: 'mail-server-reachable', status: 'pass', key: 'ok', params: { at: iso(at ?? facts.now) }, evidence };
  return { id: 'mail-server-reachable', status: level === 'service' ? 'fail' : 'warn', key: 'unreachable', params: { at: iso(at ?? facts.now), reason: reason ?? '-' }, evidence };
}

export const mailServerReachableCheck: DoctorCheck = {
  id: 'mail-server-reachable',
  user: (facts) => mailServerReachable(facts, 'user'),
  service: (facts) => mailServerReachable(facts, 'service'),
  count: ({ facts, service }) => ({ failing: 0, warning: service.get('mail-server-reachable')?.status === 'fail' ? facts.users.enabled : 0, basis: 'enabled accounts × service-level result' }),
};
