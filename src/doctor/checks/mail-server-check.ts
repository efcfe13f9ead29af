import type { Finding } from '../doctor-types.js';
import { iso, type ServiceFacts } from '../facts.js';
import { sharedWithService } from '../doctor-check.js';

/**
 * `mail-server-reachable`: the SMTP server answered the start-up probe or the last send. Unreachable is a
 * failure (codes by e-mail are not arriving now), though nothing is lost: mail waits in the outbox.
 */
export function mailServerReachable(facts: ServiceFacts): Finding {
  const { status, reason, at } = facts.mailServer;
  const evidence: Finding['evidence'] = [['mail-server', { status, at: at ? iso(at) : '-', reason: reason ?? '-' }]];
  if (status === 'not-configured') return { id: 'mail-server-reachable', status: 'skip', key: 'not-configured', evidence };
  if (status === 'unknown') return { id: 'mail-server-reachable', status: 'warn', key: 'unknown', evidence };
  if (status === 'reachable') return { id: 'mail-server-reachable', status: 'pass', key: 'ok', params: { at: iso(at ?? facts.now) }, evidence };
  return { id: 'mail-server-reachable', status: 'fail', key: 'unreachable', params: { at: iso(at ?? facts.now), reason: reason ?? '-' }, evidence };
}

export const mailServerReachableCheck = sharedWithService('mail-server-reachable', (facts) => mailServerReachable(facts));
