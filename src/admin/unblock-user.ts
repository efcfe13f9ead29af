import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Clock } from '../store/clock.js';
import { ThrottleRepository } from '../store/throttle-repository.js';
import { usernameKey } from '../store/users-repository.js';
import { Throttles } from '../policy/throttles.js';
import { SignInThrottle } from '../session/sign-in-throttle.js';

/** What an unblock found (and lifted). */
export interface Unblocked {
  resetBlock: boolean;
  signInBlock: boolean;
}

/**
 * Lifts a user's reset throttle block (with its counters) and the sign-in block of the name (and of one client
 * address when given): the one use-case behind `sspr user unblock`, the console's "lift block" and
 * `POST /api/v1/admin/users/:username/unblock`. The caller audits it (`user-unblocked`) with who did it.
 */
export async function unblockUser(db: Kysely<Database>, throttleKey: Buffer, clock: Clock, username: string, ip?: string): Promise<Unblocked> {
  const repository = new ThrottleRepository(db, throttleKey);
  const reset = new Throttles(repository, clock);
  const signIn = new SignInThrottle(repository, clock);
  const before = { resetBlock: (await reset.blockedUntil(usernameKey(username))) !== null, signInBlock: (await signIn.nameBlockedUntil(username)) !== null };
  await reset.clear(usernameKey(username));
  await signIn.unblock(username, ip);
  return before;
}

/** The user's current blocks: the reset throttle's (with its reason) and the sign-in throttle's, as end times. */
export async function blocksOf(db: Kysely<Database>, throttleKey: Buffer, clock: Clock, username: string): Promise<{ reset: { until: number; reason: string } | null; signIn: number | null }> {
  const repository = new ThrottleRepository(db, throttleKey);
  return {
    reset: await new Throttles(repository, clock).blockedUntil(usernameKey(username)),
    signIn: await new SignInThrottle(repository, clock).nameBlockedUntil(username),
  };
}
