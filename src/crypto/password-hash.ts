import { hash, verify, Algorithm } from '@node-rs/argon2';

/** Argon2id at OWASP's minimum (19 MiB, t=2, p=1); hashing runs on the libuv pool, off the event loop. */
const params = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, params);
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies a password against a stored hash. With no hash (unknown user, no password set) it verifies
 * against a dummy hash anyway, so the answer takes the same time either way, and returns false.
 */
export async function verifyPassword(stored: string | null | undefined, password: string): Promise<boolean> {
  if (!stored) {
    dummyHash ??= hash('sspr-dummy-password', params);
    await verify(await dummyHash, password);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}
