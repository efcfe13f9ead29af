import type { Directory, DirectoryUser } from '../directory/directory.js';
import type { SessionsRepository } from '../store/sessions-repository.js';
import type { Clock } from '../store/clock.js';
import type { Audit } from '../audit/audit.js';
import type { AuditEntry } from '../audit/audit-events.js';
import type { MethodRequest } from '../methods/method.js';
import { randomToken, tokenDigest } from '../crypto/tokens.js';
import { SsprError } from '../errors/sspr-error.js';
import type { SignInGuard, SignInThrottle } from './sign-in-throttle.js';
import type { WriteBatch } from '../store/write-batch.js';

/** Where sign-in finds accounts: by name and password, and by a session's token digest (one read for both). */
export type SignInDirectory = Pick<Directory, 'authenticate'> & { findUserBySession(digest: string, now: number): Promise<DirectoryUser | null> };

/**
 * Sign-in to "My account". A wrong password, an unknown user and a disabled account all get the same
 * answer (`invalid-credentials`) in the same time; the session token is a 192-bit bearer secret of which
 * only the digest is stored. Guessing is limited per name and client by `SignInThrottle`; a blocked name
 * answers `sign-in-throttled` without the password being tried. Given the store's write batches, the writes of
 * a successful sign-in (the client's failures forgotten, the session, its audit event) go into one write batch (whose
 * commit the store's group commit shares with the other batches of the same turn: commit-group.ts); if it fails,
 * they are written again one at a time, each committed on its own.
 */
export class SignIn {
  constructor(
    private readonly directory: SignInDirectory,
    private readonly sessions: SessionsRepository,
    private readonly audit: Audit,
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
    private readonly throttle: SignInThrottle,
    private readonly batches?: { begin(): WriteBatch },
  ) {}

  async signIn(username: string, password: string, request: MethodRequest): Promise<{ token: string; user: DirectoryUser; expiresAt: number }> {
    const typed = username.normalize('NFC').trim();
    const name = typed.slice(0, 256);
    const base = { event: 'sign-in' as const, username: name, ip: request.ip, userAgent: request.userAgent };
    const guard = await this.throttle.guard(name, request.ip);
    const blocked = guard.blockedUntil;
    if (blocked !== null) {
      await this.audit.record({ ...base, outcome: 'failure', detail: { reason: 'sign-in-throttled', until: new Date(blocked).toISOString() } });
      throw new SsprError('sign-in-throttled');
    }
    const user = typed.length > 0 && typed.length <= 256 && password.length <= 1024 ? await this.directory.authenticate(typed, password) : null;
    if (!user) {
      const until = await this.throttle.failed(name, request.ip);
      await this.audit.record({ ...base, outcome: 'failure', detail: { reason: 'invalid-credentials', ...(until === null ? {} : { blockedUntil: new Date(until).toISOString() }) } });
      throw new SsprError('invalid-credentials');
    }
    const token = randomToken();
    const now = this.clock.now();
    const expiresAt = now + this.ttlSeconds * 1000;
    const opened = { digest: tokenDigest(token), userId: user.id, now, expiresAt, guard, name, ip: request.ip, base };
    if (this.batches) {
      const batch = this.batches.begin();
      try {
        const { recorded } = await this.open(opened, batch);
        await batch.commit();
        await recorded;
        return { token, user, expiresAt };
      } catch (error) {
        // Nothing of the batch was written: the writes again, one at a time.
        batch.discard(error);
      }
    }
    await (await this.open(opened)).recorded;
    return { token, user, expiresAt };
  }

  /**
   * The writes of a successful sign-in, in order. With `batch`, each is added to it (nothing else is awaited, so
   * they join it in the turn it was joined) and the audit event is returned, to be awaited after the commit;
   * without, each commits on its own.
   */
  private async open(
    opened: { digest: string; userId: string; now: number; expiresAt: number; guard: SignInGuard; name: string; ip: string; base: Pick<AuditEntry<'sign-in'>, 'event' | 'username' | 'ip' | 'userAgent'> },
    batch?: WriteBatch,
  ): Promise<{ recorded: Promise<void> }> {
    await this.throttle.succeeded(opened.name, opened.ip, opened.guard, batch);
    await this.sessions.create(opened.digest, opened.userId, opened.now, opened.expiresAt, batch);
    const recorded = this.audit.record({ ...opened.base, outcome: 'success', userId: opened.userId }, batch);
    if (!batch) await recorded;
    return { recorded };
  }

  /**
   * The signed-in session for a token, or null when absent, expired, signed out — or when its account no longer
   * exists or is disabled (in this service, or in the directory as the sync saw it): such a session is ended on
   * the spot. Every request with a session goes through here, so the account's state and role are read fresh each
   * time (an administrator demoted since sign-in is no longer one).
   */
  async session(token: string | undefined): Promise<{ user: DirectoryUser; digest: string } | null> {
    if (!token || token.length > 64) return null;
    const digest = tokenDigest(token);
    const user = await this.directory.findUserBySession(digest, this.clock.now());
    if (!user) return null;
    if (user.enabled) return { user, digest };
    await this.sessions.deleteForUser(user.id);
    return null;
  }

  /** The signed-in user for a session token (see `session`). */
  async current(token: string | undefined): Promise<DirectoryUser | null> {
    return (await this.session(token))?.user ?? null;
  }

  async signOut(token: string | undefined): Promise<void> {
    if (token && token.length <= 64) await this.sessions.delete(tokenDigest(token));
  }
}
