import { DirectoryError, type OnPremAccount, type OnPremDirectory } from '../directory/onprem/onprem-directory.js';
import type { MustChangeSupport, ResetWriteOptions, Writeback, WritebackTarget } from './writeback.js';
import { directoryActs } from './directory-acts.js';

/** How long a target's found account is reused by the next operation on the same target (one act: policy read, then write). */
const ACCOUNT_REUSE_MS = 5_000;

/**
 * "direct" mode: this server holds the service-account connection to the directory itself.
 * One act resolves its account once: operations on the same target object (AccountDirectory hands out one per user
 * object, so one per request) reuse the account found by the first for ACCOUNT_REUSE_MS; a failed operation
 * forgets it, so a retry searches afresh.
 */
export class DirectWriteback implements Writeback {
  readonly mode = 'direct';
  private readonly found = new WeakMap<WritebackTarget, { account: Promise<OnPremAccount>; at: number }>();

  constructor(private readonly directory: OnPremDirectory) {}

  reset(target: WritebackTarget, newPassword: string, _origin: 'reset' | 'admin-reset' = 'reset', options: ResetWriteOptions = {}): Promise<void> {
    return this.onAccount(target, (account) => directoryActs.reset(this.directory, account, newPassword, options));
  }

  /** This server writes the directory itself: both adapters (AD, OpenLDAP with ppolicy) set the flag. */
  mustChangeSupport(): Promise<MustChangeSupport> {
    return Promise.resolve('supported');
  }

  change(target: WritebackTarget, oldPassword: string, newPassword: string): Promise<void> {
    return this.onAccount(target, (account) => directoryActs.change(this.directory, account, oldPassword, newPassword));
  }

  unlock(target: WritebackTarget): Promise<void> {
    return this.onAccount(target, (account) => directoryActs.unlock(this.directory, account));
  }

  verifyPassword(target: WritebackTarget, password: string): Promise<boolean> {
    return this.onAccount(target, (account) => directoryActs.verify(this.directory, account, password));
  }

  async passwordPolicy(target: WritebackTarget) {
    try {
      return await this.onAccount(target, (account) => this.directory.readPasswordPolicy(account));
    } catch {
      return null;
    }
  }

  close(): Promise<void> {
    return this.directory.close();
  }

  private async onAccount<T>(target: WritebackTarget, operation: (account: OnPremAccount) => Promise<T>): Promise<T> {
    const now = Date.now();
    let found = this.found.get(target);
    if (!found || now - found.at >= ACCOUNT_REUSE_MS) {
      found = { account: linkedAccount(this.directory, target), at: now };
      this.found.set(target, found);
    }
    try {
      return await operation(await found.account);
    } catch (error) {
      if (this.found.get(target) === found) this.found.delete(target);
      throw error;
    }
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
