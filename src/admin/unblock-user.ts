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
 * Lifts a user's reset throttle block (with its counters) and every sign-in block of the account (the name's, each
 * client's; the failures of the name, and of one client address when given): the one use-case behind `sspr user unblock`, the console's "lift block" and
 * `POST /api/v1/admin/users/:username/unblock`. The caller audits it (`user-unblocked`) with who did it.
 */
export async function unblockUser(db: Kysely<Database>, throttleKey: Buffer, clock: Clock, account: { id: string; username: string }, ip?: string): Promise<Unblocked> {
  const { id, username } = account;
  const repository = new ThrottleRepository(db, throttleKey);
  const reset = new Throttles(repository, clock);
  const signIn = new SignInThrottle(repository, clock);
  const signInBlock = (await signIn.nameBlockedUntil(username)) !== null || (await signIn.accountBlockedUntil(id)) !== null;
  const before = { resetBlock: (await reset.blockedUntil(usernameKey(username))) !== null, signInBlock };
  await reset.clear(usernameKey(username));
  await signIn.unblock(username, ip);
  await signIn.unblockAccount(id);
  return before;
}

/**
 * The account's current blocks as end times: the reset throttle's (with its reason) and the latest of the sign-in
 * throttle's — on the name for every client, or for one client (linked to the account when it was set).
 */
export async function blocksOf(db: Kysely<Database>, throttleKey: Buffer, clock: Clock, account: { id: string; username: string }): Promise<{ reset: { until: number; reason: string } | null; signIn: number | null }> {
  const repository = new ThrottleRepository(db, throttleKey);
  const signIn = new SignInThrottle(repository, clock);
  const ends = [await signIn.nameBlockedUntil(account.username), await signIn.accountBlockedUntil(account.id)].filter((end): end is number => end !== null);
  return {
    reset: await new Throttles(repository, clock).blockedUntil(usernameKey(account.username)),
    signIn: ends.length ? Math.max(...ends) : null,
  };
}
