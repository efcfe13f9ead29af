import type { Directory, DirectoryUser } from '../directory.js';
import type { UsersRepository, UserRecord } from '../../store/users-repository.js';
import { hashPassword, verifyPassword } from '../../crypto/password-hash.js';

function toDirectoryUser(user: UserRecord): DirectoryUser {
  const { passwordHash: _hash, passwordChangedAt: _changed, createdAt: _created, source: _source, ...rest } = user;
  return rest;
}

/** Cloud-only accounts kept in the service's own store; passwords only as Argon2id hashes. */
export class LocalDirectory implements Directory {
  readonly kind = 'local' as const;

  constructor(private readonly users: UsersRepository) {}

  async findUser(username: string): Promise<DirectoryUser | null> {
    const user = await this.users.findByUsername(username);
    return user ? toDirectoryUser(user) : null;
  }

  async findUserById(id: string): Promise<DirectoryUser | null> {
    const user = await this.users.findById(id);
    return user ? toDirectoryUser(user) : null;
  }

  async authenticate(username: string, password: string): Promise<DirectoryUser | null> {
    const user = await this.users.findByUsername(username);
    const ok = await verifyPassword(user?.passwordHash, password);
    return ok && user?.enabled ? toDirectoryUser(user) : null;
  }

  async resetPassword(user: DirectoryUser, newPassword: string): Promise<void> {
    await this.users.setPasswordHash(user.id, await hashPassword(newPassword));
  }
}
