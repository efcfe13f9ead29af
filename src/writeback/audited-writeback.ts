import type { Audit } from '../audit/audit.js';
import type { AuditEventName } from '../audit/audit-events.js';
import { DirectoryError, type DirectoryFailure } from '../directory/onprem/onprem-directory.js';
import { SsprError } from '../errors/sspr-error.js';
import type { ResetWriteOptions, Writeback, WritebackOrigin, WritebackTarget } from './writeback.js';

/** Per origin, the audit events of its three phases and Entra Connect's PasswordResetService event ids. */
const phases = {
  reset: { start: ['writeback.reset.start', 31001], success: ['writeback.reset.success', 31002], failure: ['writeback.reset.failure', 31003] },
  change: { start: ['writeback.change.start', 31006], success: ['writeback.change.success', 31007], failure: ['writeback.change.failure', 31008] },
  'admin-reset': { start: ['writeback.admin-reset.start', 31009], success: ['writeback.admin-reset.success', 31010], failure: ['writeback.admin-reset.failure', 31011] },
  unlock: { start: ['writeback.unlock.start', null], success: ['writeback.unlock.success', null], failure: ['writeback.unlock.failure', null] },
} as const satisfies Record<WritebackOrigin, Record<'start' | 'success' | 'failure', readonly [AuditEventName, number | null]>>;

/** Entra Connect's writeback error ids for a directory reason (33002–33009). */
export function entraErrorFor(reason: DirectoryFailure | string): number {
  switch (reason) {
    case 'user-not-found': return 33002;
    case 'multiple-matches': return 33003;
    case 'access-denied': case 'protected-account': return 33004;
    case 'disabled': return 33005;
    case 'locked': return 33006;
    case 'wrong-old-password': case 'invalid-credentials': return 33007;
    case 'too-short': case 'not-complex': case 'in-history': case 'too-young': case 'policy': return 33008;
    default: return 33009;
  }
}

/**
 * Records every write as start / success / failure audit events named `writeback.<origin>.<phase>` with the
 * Entra event id, the mode, the directory's reason code and its raw text (never a password). Failures are
 * re-thrown unchanged.
 */
export class AuditedWriteback implements Writeback {
  get mode() {
    return this.inner.mode;
  }

  constructor(
    private readonly inner: Writeback,
    private readonly audit: Audit,
  ) {}

  reset(target: WritebackTarget, newPassword: string, origin: 'reset' | 'admin-reset', options?: ResetWriteOptions): Promise<void> {
    return this.audited(origin, target, () => this.inner.reset(target, newPassword, origin, options));
  }

  mustChangeSupport(source: string) {
    return this.inner.mustChangeSupport(source);
  }

  change(target: WritebackTarget, oldPassword: string, newPassword: string): Promise<void> {
    return this.audited('change', target, () => this.inner.change(target, oldPassword, newPassword));
  }

  unlock(target: WritebackTarget): Promise<void> {
    return this.audited('unlock', target, () => this.inner.unlock(target));
  }

  verifyPassword(target: WritebackTarget, password: string): Promise<boolean> {
    return this.inner.verifyPassword(target, password);
  }

  passwordPolicy(target: WritebackTarget) {
    return this.inner.passwordPolicy(target);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async audited(origin: WritebackOrigin, target: WritebackTarget, write: () => Promise<void>): Promise<void> {
    const { start, success, failure } = phases[origin];
    const base = { userId: target.userId, username: target.username };
    const detail = { mode: this.mode, directory: target.source };
    // The start record is written while the directory works (Audit.record never rejects).
    const started = this.audit.record({ ...base, event: start[0], outcome: 'info', detail: { ...detail, entraEvent: start[1] } });
    const begun = performance.now();
    try {
      await write();
    } catch (error) {
      await started;
      const reason = error instanceof DirectoryError ? error.reason : error instanceof SsprError ? error.code : 'internal';
      const raw = error instanceof DirectoryError ? error.raw.slice(0, 500) : error instanceof Error ? error.message.slice(0, 500) : null;
      await this.audit.record({
        ...base,
        event: failure[0],
        outcome: 'failure',
        detail: { ...detail, entraEvent: failure[1], entraError: entraErrorFor(reason), reason, raw, ms: Math.round(performance.now() - begun) },
      });
      throw error;
    }
    await started;
    // Not awaited: it joins the batch of the caller's own follow-up records (SetPassword awaits its last one, which
    // is written with it or after it; Audit writes in the order recorded and never rejects).
    void this.audit.record({ ...base, event: success[0], outcome: 'success', detail: { ...detail, entraEvent: success[1], writtenBack: true, ms: Math.round(performance.now() - begun) } });
  }
}
