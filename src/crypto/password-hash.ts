import { availableParallelism } from 'node:os';
import { hash, verify, Algorithm } from '@node-rs/argon2';

/** Argon2id at OWASP's minimum (19 MiB, t=2, p=1); hashing runs on the libuv pool, off the event loop. */
const params = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * Argon2id computations running at once: one per core. More add no throughput (each keeps a core busy) but
 * 19 MiB of memory each, and they hold libuv pool threads that file and DNS work needs.
 */
const MAX_RUNNING = Math.max(1, availableParallelism());
let running = 0;
const waiting: Array<() => void> = [];

async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_RUNNING) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    // The slot passes straight to the next waiter (so `running` stays counted), or is freed.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export function hashPassword(password: string): Promise<string> {
  return limited(() => hash(password, params));
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies a password against a stored hash. With no hash (unknown user, no password set) it verifies
 * against a dummy hash anyway, so the answer takes the same time either way, and returns false.
 */
export async function verifyPassword(stored: string | null | undefined, password: string): Promise<boolean> {
  if (!stored) {
    dummyHash ??= hashPassword('sspr-dummy-password');
    const dummy = await dummyHash;
    await limited(() => verify(dummy, password));
    return false;
  }
  try {
    return await limited(() => verify(stored, password));
  } catch {
    return false;
  }
}
