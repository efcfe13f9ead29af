import type { ThrottleRepository } from '../store/throttle-repository.js';
import type { WriteBatch } from '../store/write-batch.js';
import type { Clock } from '../store/clock.js';
import { usernameKey } from '../store/users-repository.js';
import { clientNetwork } from '../policy/client-network.js';

const MINUTE = 60_000;

/**
 * Sign-in guessing limits, counted per typed name (known or not, so a block says nothing about existence):
 * - per name and client (IPv4 address / IPv6 /64): 5 failures in 15 minutes block that client for that name
 *   for 15 minutes — the attacker's own client is stopped without touching the owner's;
 * - per name over all clients: 20 failures in 15 minutes block the name for 5 minutes — a distributed guesser
 *   gets at most 20 guesses per 5 minutes (≤ 5,760 a day, before the per-IP budget), while someone who wants to
 *   lock the owner out must keep sending 20 failures every 5 minutes, and the owner waits at most 5 minutes
 *   after they stop. A longer or growing block would make the lock-out itself the attack.
 * A correct password during a block is refused like a wrong one would be: the block stops guessing only if
 * it also hides successes. Success clears the client's counter. (The repository stores scopes as keyed
 * hashes: an e-mail address typed as a user name never reaches the store in clear.)
 */
export const signInLimits = { windowMs: 15 * MINUTE, perClient: 5, clientBlockMs: 15 * MINUTE, perName: 20, nameBlockMs: 5 * MINUTE } as const;

/**
 * What a sign-in learns before it tries the password: the block in force (its end, or null), and whether this
 * client has failures counted for the name, which a success then forgets.
 */
export interface SignInGuard {
  blockedUntil: number | null;
  clientFailures: boolean;
}

/** The reason a sign-in block is stored with. */
export const SIGN_IN_BLOCK = 'sign-in-failures';

/**
 * Blocks are linked to the account holding the typed name (if any; `ThrottleRepository.block`), so an
 * administrator sees and lifts every sign-in block of an account, whichever client it holds off. The link is never
 * shown to the one signing in: a block reads the same for a name with or without an account.
 */
export class SignInThrottle {
  constructor(
    private readonly repository: ThrottleRepository,
    private readonly clock: Clock,
  ) {}

  private scope(...parts: string[]): string {
    return `sign-in:${parts.join('\0')}`;
  }

  private scopes(username: string, ip: string) {
    const name = usernameKey(username);
    const byName = this.scope(name);
    const byClient = this.scope(name, clientNetwork(ip));
    return { byName, byClient };
  }

  /** When the block on this name (from this client) ends, or null. */
  async blockedUntil(username: string, ip: string): Promise<number | null> {
    return (await this.guard(username, ip)).blockedUntil;
  }

  /** The block on this name (from this client) and whether this client has failures to forget; one read. */
  async guard(username: string, ip: string): Promise<SignInGuard> {
    const { byName, byClient } = this.scopes(username, ip);
    const { blocks, counted } = await this.repository.guard([`${byName}:block`, `${byClient}:block`], byClient, this.clock.now());
    return { blockedUntil: blocks[0]?.until ?? null, clientFailures: counted };
  }

  /**
   * When the account's latest sign-in block ends — on the name for every client, or on the name for one client —
   * or null (what an administrator sees on the user page).
   */
  async accountBlockedUntil(userId: string): Promise<number | null> {
    return (await this.repository.accountBlock(userId, [SIGN_IN_BLOCK], this.clock.now()))?.until ?? null;
  }

  /** The block on this name for every client, or null. */
  async nameBlockedUntil(username: string): Promise<number | null> {
    const [block] = await this.repository.activeBlocks([`${this.scope(usernameKey(username))}:block`], this.clock.now());
    return block?.until ?? null;
  }

  /**
   * An administrator's unblock: forgets the failures and the block on this name, and (given the client's address)
   * that client's failures. Blocks of other clients on the name are lifted by `unblockAccount`; their failure
   * counters, keyed by a network the store cannot list, run out within the window.
   */
  async unblock(username: string, ip?: string): Promise<void> {
    const { byName, byClient } = this.scopes(username, ip ?? '');
    await this.repository.clear([byName, `${byName}:block`, ...(ip === undefined ? [] : [byClient, `${byClient}:block`])]);
  }

  /** Lifts every sign-in block linked to the account (the name's and each client's). */
  async unblockAccount(userId: string): Promise<void> {
    await this.repository.clearAccountBlocks(userId, [SIGN_IN_BLOCK]);
  }

  /** Counts a failure; returns the end of the block it started, or null. */
  async failed(username: string, ip: string): Promise<number | null> {
    const now = this.clock.now();
    const since = now - signInLimits.windowMs;
    let until: number | null = null;
    for (const [scope, limit, blockMs] of [
      [this.scopes(username, ip).byClient, signInLimits.perClient, signInLimits.clientBlockMs],
      [this.scopes(username, ip).byName, signInLimits.perName, signInLimits.nameBlockMs],
    ] as const) {
      await this.repository.record(scope, now);
      if ((await this.repository.countSince(scope, since)) >= limit) {
        await this.repository.block(`${scope}:block`, now + blockMs, SIGN_IN_BLOCK, usernameKey(username));
        await this.repository.clear([scope]);
        until = Math.max(until ?? 0, now + blockMs);
      }
    }
    return until;
  }

  /**
   * A successful sign-in forgets this client's failures for the name. Given the attempt's guard that saw none,
   * nothing is written: a failure counted by a concurrent attempt in between then stays counted (stricter, never
   * laxer).
   */
  async succeeded(username: string, ip: string, guard?: SignInGuard, batch?: WriteBatch): Promise<void> {
    if (guard?.clientFailures === false) return;
    await this.repository.clearEvents([this.scopes(username, ip).byClient], batch);
  }
}
