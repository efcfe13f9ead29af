import type { Audit } from '../audit/audit.js';
import { DirectoryError, type DirectoryFailure } from '../directory/onprem/onprem-directory.js';
import { SsprError } from '../errors/sspr-error.js';
import type { Writeback, WritebackOrigin, WritebackTarget } from './writeback.js';

/** Entra Connect PasswordResetService event ids: start, success, failure per family. */
const entraEvents: Record<WritebackOrigin, [number, number, number] | null> = {
  reset: [31001, 31002, 31003],
  change: [31006, 31007, 31008],
  'admin-reset': [31009, 31010, 31011],
  unlock: null,
};

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

  reset(target: WritebackTarget, newPassword: string, origin: 'reset' | 'admin-reset'): Promise<void> {
    return this.audited(origin, target, () => this.inner.reset(target, newPassword, origin));
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
    const ids = entraEvents[origin];
    const base = { userId: target.userId, username: target.username };
    const detail = { mode: this.mode, directory: target.source };
    // The start record is written while the directory works (Audit.record never rejects); both are awaited.
    const started = this.audit.record({ ...base, event: `writeback.${origin}.start`, outcome: 'info', detail: { ...detail, entraEvent: ids?.[0] ?? null } });
    try {
      await write();
    } catch (error) {
      await started;
      const reason = error instanceof DirectoryError ? error.reason : error instanceof SsprError ? error.code : 'internal';
      const raw = error instanceof DirectoryError ? error.raw.slice(0, 500) : error instanceof Error ? error.message.slice(0, 500) : null;
      await this.audit.record({
        ...base,
        event: `writeback.${origin}.failure`,
        outcome: 'failure',
        detail: { ...detail, entraEvent: ids?.[2] ?? null, entraError: entraErrorFor(reason), reason, raw },
      });
      throw error;
    }
    await started;
    await this.audit.record({ ...base, event: `writeback.${origin}.success`, outcome: 'success', detail: { ...detail, entraEvent: ids?.[1] ?? null, writtenBack: true } });
  }
}
