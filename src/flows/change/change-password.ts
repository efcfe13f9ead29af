import type { AccountDirectory } from '../../directory/account-directory.js';
import type { DirectoryUser } from '../../directory/directory.js';
import type { Audit } from '../../audit/audit.js';
import type { AuditDetail } from '../../audit/audit-events.js';
import type { PasswordChecker, PasswordSubject } from '../../policy/password-checker.js';
import type { MethodRequest } from '../../methods/method.js';
import { SsprError } from '../../errors/sspr-error.js';

/**
 * "Change my password" for a signed-in user who knows the current one. The new password passes the same policy
 * as a reset (the directory's stricter rules included); a directory account's change goes to its directory
 * first (direct or agent), which checks the current password itself; the trail records whether it was written back.
 */
export class ChangePassword {
  constructor(
    private readonly deps: { directory: AccountDirectory; passwords: PasswordChecker; audit: Audit; subjectOf: (user: DirectoryUser) => PasswordSubject },
  ) {}

  async change(user: DirectoryUser, currentPassword: string, newPassword: string, request: MethodRequest): Promise<{ done: true }> {
    const record = (outcome: 'success' | 'failure', detail: AuditDetail<'change-password'>) =>
      this.deps.audit.record({ event: 'change-password', outcome, userId: user.id, username: user.username, ip: request.ip, userAgent: request.userAgent, detail });
    const directoryPolicy = await this.deps.directory.directoryPolicyFor(user);
    const verdict = await this.deps.passwords.check(newPassword, { ...this.deps.subjectOf(user), directoryPolicy }, request.lang);
    if (!verdict.accepted) {
      await record('failure', { reason: 'password-rejected' });
      throw new SsprError('password-rejected', { params: { reasons: verdict.reasons.map((r) => r.message).join(' ') }, details: { reasons: verdict.reasons } });
    }
    try {
      await this.deps.directory.changePassword(user, currentPassword.normalize('NFC'), newPassword.normalize('NFC'));
    } catch (error) {
      await record('failure', { reason: error instanceof SsprError ? error.code : 'internal' });
      throw error;
    }
    await record('success', { writtenBack: user.source !== 'local' });
    return { done: true };
  }
}
