import { randomFillSync } from 'node:crypto';

/**
 * UUID version 7 (RFC 9562 §5.7): 48-bit Unix time in milliseconds, then 74 random bits. Row ids made this
 * way land at the end of the primary-key index instead of at random places in it, so a bulk insert (a sync of
 * 100,000 accounts) appends instead of rewriting pages all over the index. Not a secret: it tells when the row
 * was created. Random bits come from the CSPRNG, drawn in blocks and handed out once each.
 */
const POOL_IDS = 1024;
const RANDOM_BYTES = 10;
let pool = Buffer.alloc(0);
let offset = 0;

export function timeOrderedId(nowMs: number = Date.now()): string {
  if (offset + RANDOM_BYTES > pool.length) {
    pool = randomFillSync(Buffer.alloc(POOL_IDS * RANDOM_BYTES));
    offset = 0;
  }
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(nowMs, 0, 6);
  pool.copy(bytes, 6, offset, offset + RANDOM_BYTES);
  offset += RANDOM_BYTES;
  bytes[6] = 0x70 | (bytes[6]! & 0x0f); // version 7
  bytes[8] = 0x80 | (bytes[8]! & 0x3f); // variant 10xx (RFC 9562 §4.1)
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
