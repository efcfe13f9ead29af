import type { Directory, DirectoryUser } from './directory.js';
import type { LocalDirectory } from './local/local-directory.js';
import type { OnPremAccount, OnPremDirectory } from './onprem/onprem-directory.js';
import { DirectoryError } from './onprem/onprem-directory.js';
import type { UsersRepository } from '../store/users-repository.js';
import { toSsprError } from '../writeback/directory-error-to-sspr.js';

/**
 * The directory the flows use: cloud-only accounts live in the local store; accounts synced from an
 * on-premises directory are written back there ("direct" mode: this server talks to the directory itself).
 * The directory goes first: the local record changes only after the directory accepted.
 */
export class AccountDirectory implements Directory {
  readonly kind = 'accounts';

  constructor(
    private readonly local: LocalDirectory,
    private readonly onprem: OnPremDirectory | null,
    private readonly users: UsersRepository,
  ) {}

  findUser(username: string): Promise<DirectoryUser | null> {
    return this.local.findUser(username);
  }

  findUserById(id: string): Promise<DirectoryUser | null> {
    return this.local.findUserById(id);
  }

  async authenticate(username: string, password: string): Promise<DirectoryUser | null> {
    const user = await this.local.findUser(username);
    if (!user || user.source === 'local' || !this.onprem) return this.local.authenticate(username, password);
    try {
      const account = await this.linkedAccount(user);
      return user.enabled && (await this.onprem.verifyPassword(account, password)) ? user : null;
    } catch (error) {
      if (error instanceof DirectoryError && error.reason !== 'unreachable' && error.reason !== 'timeout') return null;
      throw toSsprError(error);
    }
  }

  /** Directories enforce their own history at write time; only cloud-only accounts are checked here. */
  isRecentPassword(user: DirectoryUser, password: string): Promise<boolean> {
    return user.source === 'local' ? this.local.isRecentPassword(user, password) : Promise.resolve(false);
  }

  async resetPassword(user: DirectoryUser, newPassword: string): Promise<void> {
    if (user.source === 'local') return this.local.resetPassword(user, newPassword);
    if (!this.onprem) throw toSsprError(new DirectoryError('unreachable', `no ${user.source} directory is configured`));
    try {
      const account = await this.linkedAccount(user);
      await this.onprem.resetPassword(account, newPassword, { unlock: true });
    } catch (error) {
      throw toSsprError(error);
    }
  }

  /** The directory's password policy for the account, or null for cloud-only accounts / unreadable policy. */
  async directoryPolicyFor(user: DirectoryUser) {
    if (user.source === 'local' || !this.onprem) return null;
    try {
      return await this.onprem.readPasswordPolicy(await this.linkedAccount(user));
    } catch {
      return null;
    }
  }

  /** The directory object this user is linked to: found by name and carrying the synced anchor. */
  private async linkedAccount(user: DirectoryUser): Promise<OnPremAccount> {
    const onprem = this.onprem as OnPremDirectory;
    const account = await onprem.findAccount(user.username);
    const record = await this.users.findById(user.id);
    if (!account || (record?.anchor && account.anchor !== record.anchor)) {
      throw new DirectoryError('user-not-found', `no ${user.source} object with this name and anchor ${record?.anchor ?? '?'}`);
    }
    return account;
  }
}
