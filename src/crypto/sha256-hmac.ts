import { hash } from 'node:crypto';

/** SHA-256's block size in bytes (RFC 2104's B). */
const BLOCK_BYTES = 64;

/**
 * HMAC-SHA256 (RFC 2104) from two one-shot `crypto.hash` calls, for keyed hashes computed in bulk (throttle scopes,
 * look-up tags, the decoy ring): `createHmac` makes one native object per call, and every such object is finalised
 * by the garbage collector inside its young-generation pause — tens of thousands per pause during a sweep over
 * every account, which held the event loop past 20 ms. Same output as `createHmac('sha256', key)` (a unit test
 * checks it); the padded keys are computed once per key.
 */
export class Sha256Hmac {
  private readonly innerKey: Buffer;
  private readonly outerKey: Buffer;

  constructor(key: Buffer) {
    const block = Buffer.alloc(BLOCK_BYTES);
    (key.length > BLOCK_BYTES ? hash('sha256', key, 'buffer') : key).copy(block);
    this.innerKey = Buffer.from(block.map((byte) => byte ^ 0x36));
    this.outerKey = Buffer.from(block.map((byte) => byte ^ 0x5c));
  }

  /** The MAC of the parts, concatenated (strings as UTF-8). */
  digest(...parts: Array<string | Buffer>): Buffer {
    const message = parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part));
    const inner = hash('sha256', Buffer.concat([this.innerKey, ...message]), 'buffer');
    return hash('sha256', Buffer.concat([this.outerKey, inner]), 'buffer');
  }
}

/**
 * One HMAC-SHA256 (RFC 2104) under a secret key used once (HKDF inside HPKE): as {@link Sha256Hmac}, and the padded
 * key and every intermediate input are zeroed before it returns.
 */
export function sha256HmacWiped(key: Uint8Array, parts: Uint8Array[]): Buffer {
  const pad = Buffer.alloc(BLOCK_BYTES);
  if (key.length > BLOCK_BYTES) hash('sha256', key, 'buffer').copy(pad);
  else pad.set(key);
  for (let i = 0; i < BLOCK_BYTES; i += 1) pad[i]! ^= 0x36;
  const innerInput = Buffer.concat([pad, ...parts]);
  const inner = hash('sha256', innerInput, 'buffer');
  for (let i = 0; i < BLOCK_BYTES; i += 1) pad[i]! ^= 0x36 ^ 0x5c;
  const outerInput = Buffer.concat([pad, inner]);
  const mac = hash('sha256', outerInput, 'buffer');
  pad.fill(0);
  innerInput.fill(0);
  inner.fill(0);
  outerInput.fill(0);
  return mac;
}
