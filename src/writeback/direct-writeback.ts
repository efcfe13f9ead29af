import { DirectoryError, type OnPremAccount, type OnPremDirectory } from '../directory/onprem/onprem-directory.js';
import type { ResetWriteOptions, Writeback, WritebackTarget } from './writeback.js';

/** "direct" mode: this server holds the service-account connection to the directory itself. */
export class DirectWriteback implements Writeback {
  readonly mode = 'direct';

  constructor(private readonly directory: OnPremDirectory) {}

  async reset(target: WritebackTarget, newPassword: string, _origin: 'reset' | 'admin-reset' = 'reset', options: ResetWriteOptions = {}): Promise<void> {
    await this.directory.resetPassword(await this.linkedAccount(target), newPassword, { unlock: true, ...(options.mustChange ? { mustChangeAtNextLogon: true } : {}) });
  }

  async change(target: WritebackTarget, oldPassword: string, newPassword: string): Promise<void> {
    await this.directory.changePassword(await this.linkedAccount(target), oldPassword, newPassword);
  }

  async unlock(target: WritebackTarget): Promise<void> {
    await this.directory.unlock(await this.linkedAccount(target));
  }

  async verifyPassword(target: WritebackTarget, password: string): Promise<boolean> {
    return this.directory.verifyPassword(await this.linkedAccount(target), password);
  }

  async passwordPolicy(target: WritebackTarget) {
    try {
      return await this.directory.readPasswordPolicy(await this.linkedAccount(target));
    } catch {
      return null;
    }
  }

  close(): Promise<void> {
    return this.directory.close();
  }

  private linkedAccount(target: WritebackTarget): Promise<OnPremAccount> {
    return linkedAccount(this.directory, target);
  }
}

/**
 * The directory object a synced user is linked to: found by login name and carrying the recorded anchor.
 * Shared by the server (direct mode) and the agent, so both refuse a renamed or re-created object the same way.
 */
export async function linkedAccount(directory: OnPremDirectory, target: Pick<WritebackTarget, 'username' | 'anchor' | 'source'>): Promise<OnPremAccount> {
  const account = await directory.findAccount(target.username);
  if (!account || (target.anchor && account.anchor !== target.anchor)) {
    throw new DirectoryError('user-not-found', `no ${target.source} object with this name and anchor ${target.anchor ?? '?'}`);
  }
  return account;
}
