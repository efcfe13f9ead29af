import type { Directory, DirectoryUser } from './directory.js';
import type { LocalDirectory } from './local/local-directory.js';
import { DirectoryError } from './onprem/onprem-directory.js';
import { toSsprError } from '../writeback/directory-error-to-sspr.js';
import type { ResetWriteOptions, Writeback, WritebackTarget } from '../writeback/writeback.js';
import { SsprError } from '../errors/sspr-error.js';
import { mustChangeRefusal, type MustChangeObstacle } from '../writeback/must-change.js';

export type { MustChangeObstacle } from '../writeback/must-change.js';

/**
 * The directory the flows use: cloud-only accounts live in the local store; accounts synced from an
 * on-premises directory are written back there through the Writeback seam (direct or agent mode).
 * The directory goes first: the local record changes only after the directory accepted.
 * `writeback` is null when no directory is configured or writeback is switched off: then directory-managed
 * accounts cannot change their password here (writeback-disabled), cloud-only accounts are unaffected.
 */
export class AccountDirectory implements Directory {
  readonly kind = 'accounts';
  /** One writeback target per user object (so per request): the writeback may reuse what it resolved for it. */
  private readonly targets = new WeakMap<DirectoryUser, WritebackTarget>();

  constructor(
    private readonly local: LocalDirectory,
    private readonly writeback: Writeback | null,
  ) {}

  findUser(username: string): Promise<DirectoryUser | null> {
    return this.local.findUser(username);
  }

  findUserById(id: string): Promise<DirectoryUser | null> {
    return this.local.findUserById(id);
  }

  findUserBySession(digest: string, now: number): Promise<DirectoryUser | null> {
    return this.local.findUserBySession(digest, now);
  }

  async authenticate(username: string, password: string): Promise<DirectoryUser | null> {
    const user = await this.local.findUser(username);
    if (!user || user.source === 'local' || !this.writeback) return this.local.authenticate(username, password);
    try {
      return user.enabled && (await this.writeback.verifyPassword(await this.targetOf(user), password)) ? user : null;
    } catch (error) {
      if (error instanceof DirectoryError && error.reason !== 'unreachable' && error.reason !== 'timeout') return null;
      throw toSsprError(error);
    }
  }

  /** Directories enforce their own history at write time; only cloud-only accounts are checked here. */
  isRecentPassword(user: DirectoryUser, password: string): Promise<boolean> {
    return user.source === 'local' ? this.local.isRecentPassword(user, password) : Promise.resolve(false);
  }

  /**
   * A reset: the user's own (self-service flow) or an administrator's (helpdesk, `admin-reset` in the audit trail).
   * `mustChange` is decided here for every origin, never dropped: a cloud-only account is refused at once
   * (writeback-must-change-unsupported, 'cloudOnly'); a directory account's writeback refuses it ('agentTooOld')
   * when it cannot carry the flag — both before anything is written.
   */
  async resetPassword(user: DirectoryUser, newPassword: string, origin: 'reset' | 'admin-reset' = 'reset', options: ResetWriteOptions = {}): Promise<void> {
    if (user.source === 'local') {
      if (options.mustChange === true) throw mustChangeRefusal('cloudOnly');
      return this.local.resetPassword(user, newPassword);
    }
    await this.write(user, (writeback, target) => writeback.reset(target, newPassword, origin, options));
  }

  /**
   * Beforehand, for pages and the API: whether a reset can leave "must change at next sign-in" set for this account
   * (AD pwdLastSet=0, OpenLDAP ppolicy pwdReset TRUE) — null when it can, else the obstacle `resetPassword` would
   * refuse with. Without writeback the answer is null: the reset itself is refused (writeback-disabled).
   */
  async mustChangeObstacle(user: DirectoryUser): Promise<MustChangeObstacle | null> {
    if (user.source === 'local') return 'cloudOnly';
    if (!this.writeback) return null;
    return (await this.writeback.mustChangeSupport(user.source)) === 'supported' ? null : 'agentTooOld';
  }

  /** The user's own change with the current password (the directory checks it for directory accounts). */
  async changePassword(user: DirectoryUser, oldPassword: string, newPassword: string): Promise<void> {
    if (user.source === 'local') {
      if (!(await this.local.authenticate(user.username, oldPassword))) throw new SsprError('writeback-wrong-old-password');
      return this.local.resetPassword(user, newPassword);
    }
    await this.write(user, (writeback, target) => writeback.change(target, oldPassword, newPassword));
  }

  /** Clears a directory lockout; cloud-only accounts have none to clear. */
  async unlock(user: DirectoryUser): Promise<void> {
    if (user.source === 'local') return;
    await this.write(user, (writeback, target) => writeback.unlock(target));
  }

  /** The directory's password policy for the account, or null for cloud-only accounts / unreadable policy. */
  async directoryPolicyFor(user: DirectoryUser) {
    if (user.source === 'local' || !this.writeback) return null;
    try {
      return await this.writeback.passwordPolicy(await this.targetOf(user));
    } catch {
      return null;
    }
  }

  private async write(user: DirectoryUser, operation: (writeback: Writeback, target: WritebackTarget) => Promise<void>): Promise<void> {
    if (!this.writeback) throw new SsprError('writeback-disabled');
    try {
      await operation(this.writeback, await this.targetOf(user));
    } catch (error) {
      throw toSsprError(error);
    }
  }

  private targetOf(user: DirectoryUser): WritebackTarget {
    let target = this.targets.get(user);
    if (!target || target.username !== user.username || target.anchor !== user.anchor) {
      target = { userId: user.id, username: user.username, source: user.source, anchor: user.anchor };
      this.targets.set(user, target);
    }
    return target;
  }
}
