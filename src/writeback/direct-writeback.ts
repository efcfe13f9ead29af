import { DirectoryError, type OnPremAccount, type OnPremDirectory } from '../directory/onprem/onprem-directory.js';
import type { MustChangeSupport, ResetWriteOptions, Writeback, WritebackTarget } from './writeback.js';
import { directoryActs } from './directory-acts.js';

/** How long a target's found account is reused by the next operation on the same target (one act: policy read, then write). */
const ACCOUNT_REUSE_MS = 5_000;
/** How long an account found for a user is reused by later requests' password checks, changes and policy reads. */
export const CHECKED_ACCOUNT_REUSE_MS = 60_000;
/** Users whose account is remembered at most (the oldest go first). */
const CHECKED_ACCOUNTS_KEPT = 10_000;

/**
 * What an operation may run on: `fresh` needs the account as the directory holds it now (the service account
 * writes it: reset, unlock); `user-checked` may run on an account found for the same user by an earlier request,
 * because the directory itself checks the user's password on that DN (a bind as the user: password check, change)
 * or nothing is written (the policy read).
 */
type Reach = 'fresh' | 'user-checked';

/**
 * "direct" mode: this server holds the service-account connection to the directory itself.
 * One act resolves its account once: operations on the same target object (AccountDirectory hands out one per user
 * object, so one per request) reuse the account found by the first for ACCOUNT_REUSE_MS; a failed operation
 * forgets it, so a retry searches afresh.
 * Across requests, an account found for a user (id, login name and anchor alike) is reused for
 * CHECKED_ACCOUNT_REUSE_MS by `user-checked` operations only, so a sign-in followed by a change searches once. A
 * `fresh` operation never runs on such an account. A failed operation, and a password check that answers
 * "wrong", forget the user's account: a renamed or moved object costs one refused bind, and the next try searches
 * afresh. A bind to a DN whose object was replaced within that time succeeds only with that object's own password.
 */
export class DirectWriteback implements Writeback {
  readonly mode = 'direct';
  private readonly found = new WeakMap<WritebackTarget, { account: Promise<OnPremAccount>; at: number; reach: Reach }>();
  private readonly checked = new Map<string, { account: OnPremAccount; at: number }>();

  constructor(private readonly directory: OnPremDirectory) {}

  reset(target: WritebackTarget, newPassword: string, _origin: 'reset' | 'admin-reset' = 'reset', options: ResetWriteOptions = {}): Promise<void> {
    return this.onAccount(target, 'fresh', (account) => directoryActs.reset(this.directory, account, newPassword, options));
  }

  /** This server writes the directory itself: both adapters (AD, OpenLDAP with ppolicy) set the flag. */
  mustChangeSupport(): Promise<MustChangeSupport> {
    return Promise.resolve('supported');
  }

  change(target: WritebackTarget, oldPassword: string, newPassword: string): Promise<void> {
    return this.onAccount(target, 'user-checked', (account) => directoryActs.change(this.directory, account, oldPassword, newPassword));
  }

  unlock(target: WritebackTarget): Promise<void> {
    return this.onAccount(target, 'fresh', (account) => directoryActs.unlock(this.directory, account));
  }

  async verifyPassword(target: WritebackTarget, password: string): Promise<boolean> {
    const right = await this.onAccount(target, 'user-checked', (account) => directoryActs.verify(this.directory, account, password));
    if (!right) this.checked.delete(checkedKey(target));
    return right;
  }

  async passwordPolicy(target: WritebackTarget) {
    try {
      return await this.onAccount(target, 'user-checked', (account) => this.directory.readPasswordPolicy(account));
    } catch {
      return null;
    }
  }

  close(): Promise<void> {
    return this.directory.close();
  }

  private async onAccount<T>(target: WritebackTarget, reach: Reach, operation: (account: OnPremAccount) => Promise<T>): Promise<T> {
    const now = Date.now();
    let found = this.found.get(target);
    if (!found || now - found.at >= ACCOUNT_REUSE_MS || (found.reach === 'user-checked' && reach === 'fresh')) {
      const known = reach === 'user-checked' ? this.checkedAccount(target, now) : null;
      found = known ? { account: Promise.resolve(known), at: now, reach } : { account: this.findAccount(target), at: now, reach: 'fresh' };
      this.found.set(target, found);
    }
    try {
      return await operation(await found.account);
    } catch (error) {
      if (this.found.get(target) === found) this.found.delete(target);
      this.checked.delete(checkedKey(target));
      throw error;
    }
  }

  /** The account as the directory holds it now, remembered for later `user-checked` operations. */
  private async findAccount(target: WritebackTarget): Promise<OnPremAccount> {
    const account = await linkedAccount(this.directory, target);
    const key = checkedKey(target);
    this.checked.delete(key);
    const now = Date.now();
    this.checked.set(key, { account, at: now });
    // Insertion order is age order: drop the expired from the oldest end, and the oldest beyond the limit.
    for (const [oldKey, oldEntry] of this.checked) {
      if (now - oldEntry.at < CHECKED_ACCOUNT_REUSE_MS && this.checked.size <= CHECKED_ACCOUNTS_KEPT) break;
      this.checked.delete(oldKey);
    }
    return account;
  }

  private checkedAccount(target: WritebackTarget, now: number): OnPremAccount | null {
    const known = this.checked.get(checkedKey(target));
    return known && now - known.at < CHECKED_ACCOUNT_REUSE_MS ? known.account : null;
  }
}

function checkedKey(target: WritebackTarget): string {
  return `${target.userId}\u0000${target.source}\u0000${target.username}\u0000${target.anchor ?? ''}`;
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
