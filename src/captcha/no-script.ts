import { createHash } from 'node:crypto';
import { clientNetwork } from '../policy/client-network.js';
import { usernameKey } from '../store/users-repository.js';

/**
 * The path for browsers that run no JavaScript while the proof-of-work captcha is on: the reset form posts this
 * marker instead of a solution (from a <noscript> block), and the flow may start only within a budget far
 * smaller than the captcha allows. What it costs an attacker is written in docs/security-model.md.
 */
export const NO_SCRIPT_CAPTCHA = 'no-script';

/** Starts per hour without a solved challenge: from one client network, for one typed name, and for everyone. */
export const NO_SCRIPT_BUDGET = { perNetwork: 3, perName: 2, overall: 60, windowMs: 3_600_000 } as const;

export interface HitCounter {
  /** Counts one hit of `key` in the window that starts at `windowStart`; returns the hits so far, this one included. */
  hit(key: string, windowStart: number): Promise<number>;
}

/**
 * Charges one no-script start to the client's network, the typed name and the overall budget, and answers
 * whether all three still had room. Every attempt counts, also refused ones, so a client cannot probe for room.
 * The name is kept only as a hash (people type their e-mail address into the name field).
 */
export async function takeNoScriptStart(counter: HitCounter, now: number, ip: string, typedName: string): Promise<boolean> {
  const windowStart = now - (now % NO_SCRIPT_BUDGET.windowMs);
  const name = createHash('sha256').update(usernameKey(typedName)).digest('hex').slice(0, 32);
  const [network, perName, overall] = await Promise.all([
    counter.hit(`no-script:${clientNetwork(ip)}`, windowStart),
    counter.hit(`no-script-name:${name}`, windowStart),
    counter.hit('no-script:all', windowStart),
  ]);
  return network <= NO_SCRIPT_BUDGET.perNetwork && perName <= NO_SCRIPT_BUDGET.perName && overall <= NO_SCRIPT_BUDGET.overall;
}
