import type { Directory, DirectoryUser } from '../directory.js';
import type { UsersRepository, UserRecord } from '../../store/users-repository.js';
import type { PasswordHistoryRepository } from '../../store/password-history-repository.js';
import type { Clock } from '../../store/clock.js';
import { hashPassword, verifyPassword } from '../../crypto/password-hash.js';

function toDirectoryUser(user: UserRecord): DirectoryUser {
  const { passwordHash: _hash, passwordChangedAt: _changed, createdAt: _created, dn: _dn, ...rest } = user;
  return rest;
}

/** Cloud-only accounts kept in the service's own store; passwords only as Argon2id hashes. */
export class LocalDirectory implements Directory {
  readonly kind = 'local' as const;

  /**
   * @param historyLength recent passwords that may not be reused, the current one included (0 = none);
   *   the previous hashes kept are historyLength − 1.
   */
  constructor(
    private readonly users: UsersRepository,
    private readonly history: PasswordHistoryRepository,
    private readonly historyLength: number,
    private readonly clock: Clock,
  ) {}

  async findUser(username: string): Promise<DirectoryUser | null> {
    const user = await this.users.findByUsername(username);
    return user ? toDirectoryUser(user) : null;
  }

  async findUserById(id: string): Promise<DirectoryUser | null> {
    const user = await this.users.findById(id);
    return user ? toDirectoryUser(user) : null;
  }

  /** The account of a live session (its token's digest), or null (users-repository.ts `findBySession`). */
  async findUserBySession(digest: string, now: number): Promise<DirectoryUser | null> {
    const user = await this.users.findBySession(digest, now);
    return user ? toDirectoryUser(user) : null;
  }

  async authenticate(username: string, password: string): Promise<DirectoryUser | null> {
    const user = await this.users.findByUsername(username);
    const ok = await verifyPassword(user?.passwordHash, password);
    return ok && user?.enabled ? toDirectoryUser(user) : null;
  }

  async isRecentPassword(user: DirectoryUser, password: string): Promise<boolean> {
    if (this.historyLength === 0) return false;
    const current = (await this.users.findById(user.id))?.passwordHash;
    const earlier = await this.history.recent(user.id, this.historyLength - 1);
    const hashes = [current, ...earlier].filter((hash): hash is string => typeof hash === 'string');
    // Verifications run side by side on the libuv pool; each is a full Argon2id computation.
    const matches = await Promise.all(hashes.map((hash) => verifyPassword(hash, password)));
    return matches.includes(true);
  }

  async resetPassword(user: DirectoryUser, newPassword: string): Promise<void> {
    const previous = (await this.users.findById(user.id))?.passwordHash;
    const hash = await hashPassword(newPassword);
    if (previous) await this.history.push(user.id, previous, this.clock.now(), this.historyLength - 1);
    await this.users.setPasswordHash(user.id, hash);
  }
}
