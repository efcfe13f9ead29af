import { Sha256Hmac } from '../../crypto/sha256-hmac.js';

/** Points per account on the ring: more points even out the share of names each account stands in for. */
const POINTS_PER_ACCOUNT = 16;

/** Bits of a point's position kept (the leading bits of its keyed hash) and bits for the account's index. */
const POSITION_BITS = 40n;
export const INDEX_BITS = 24n;
export const INDEX_MASK = (1n << INDEX_BITS) - 1n;

/** Where a value lies on the ring: the leading `POSITION_BITS` of its keyed hash. */
export function ringPosition(mac: Sha256Hmac, value: string): bigint {
  return mac.digest(value).readBigUInt64BE(0) >> (64n - POSITION_BITS);
}

/**
 * The ring of these accounts, sorted: each point one 64-bit number, its position's leading 40 bits above the
 * account's index in `ids`. Typed arrays, not objects: 100,000 accounts are 1.6 million points, and a heap of
 * millions of small objects made every full garbage collection mark them all. The positions order as the full
 * hashes do except for ties of 40 bits. Costs 16 keyed hashes per account and a native sort: run it off the serving
 * thread for any population but a handful (decoy-ring.ts).
 */
export function ringPoints(key: Uint8Array, ids: readonly string[]): BigUint64Array {
  if (BigInt(ids.length) > INDEX_MASK) throw new Error('too many accounts for the decoy ring');
  const mac = new Sha256Hmac(Buffer.from(key));
  const points = new BigUint64Array(ids.length * POINTS_PER_ACCOUNT);
  ids.forEach((id, index) => {
    for (let i = 0; i < POINTS_PER_ACCOUNT; i++) {
      points[index * POINTS_PER_ACCOUNT + i] = (ringPosition(mac, `account\0${id}\0${i}`) << INDEX_BITS) | BigInt(index);
    }
  });
  return points.sort();
}
