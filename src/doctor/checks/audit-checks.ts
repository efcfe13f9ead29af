import type { Finding } from '../doctor-types.js';
import { iso, isDirectoryUser, type UserFacts } from '../facts.js';
import type { DoctorCheck } from '../doctor-check.js';
import { STORE_BASIS } from './basis.js';

/**
 * `unsupported-operation`: every path that sets a password records `writtenBack` in its audit detail; for a
 * directory-managed account, the newest such event must have reached the directory.
 */
export function unsupportedOperation(facts: UserFacts): Finding {
  if (!isDirectoryUser(facts)) return { id: 'unsupported-operation', status: 'pass', key: 'cloud-only' };
  const event = facts.passwordEvent;
  if (!event) return { id: 'unsupported-operation', status: 'pass', key: 'none' };
  const writtenBack = event.detail.writtenBack === true;
  const params = { event: String(event.detail.path ?? event.event), at: iso(event.at) };
  const evidence: Finding['evidence'] = [['password-event', { event: event.event, at: iso(event.at), writtenBack: String(writtenBack) }]];
  return writtenBack
    ? { id: 'unsupported-operation', status: 'pass', key: 'written-back', params, evidence }
    : { id: 'unsupported-operation', status: 'fail', key: 'not-written-back', params, evidence };
}

export const unsupportedOperationCheck: DoctorCheck = {
  id: 'unsupported-operation',
  user: unsupportedOperation,
  count: async ({ repo }) => ({ failing: await repo.usersWithUnwrittenPassword(), warning: 0, basis: `${STORE_BASIS}: newest password event not written back` }),
};
