import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** A bearer token of 192 random bits (≥ 128 required), base64url. */
export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** What is stored for a bearer token: its SHA-256, so a database leak does not hand out live tokens. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** A uniformly random numeric code of `length` digits (leading zeros kept). */
export function numericCode(length: number): string {
  let code = '';
  for (let i = 0; i < length; i++) code += String(randomInt(10));
  return code;
}

export function hmac(key: Buffer, ...parts: string[]): string {
  const mac = createHmac('sha256', key);
  // Length-prefix every part so that ("ab","c") and ("a","bc") never collide.
  for (const part of parts) mac.update(`${Buffer.byteLength(part)}:${part};`);
  return mac.digest('base64url');
}

/** Constant-time comparison of two strings (time depends only on the length of `expected`). */
export function safeEqual(actual: string, expected: string): boolean {
  const a = Buffer.from(actual);
  const b = Buffer.from(expected);
  if (a.length !== b.length) {
    timingSafeEqual(b, b);
    return false;
  }
  return timingSafeEqual(a, b);
}
