import { Sha256Hmac } from '../../crypto/sha256-hmac.js';
import { usernameKey } from '../../store/users-repository.js';

/** Points per account on the ring: more points even out the share of names each account stands in for. */
const POINTS_PER_ACCOUNT = 16;

/**
 * Who stands in for a name that has no account (or no usable methods): a real account chosen by consistent
 * hashing over a keyed hash of the name. The reset flow answers such a name with the stand-in's method list,
 * hints and `required`, so answers for unknown names are drawn from exactly the distribution of real answers
 * (domains, countries, method sets, administrators' two methods) — and the same name gets the same stand-in
 * every time, until that account is deleted. No client ever sees the stand-in's identity: its methods are
 * offered as decoys whose reference (kept on the server) lets `send` issue challenges like the stand-in's, and
 * no proof against them can succeed (reset-flow.ts).
 *
 * Trade-off (README, "How a reset is protected"): a stranger who types an unknown name sees a masked hint of some real
 * account — information anyone can already get by typing that account's own name.
 */
/** Bits of a point's position kept (the leading bits of its keyed hash) and bits for the account's index. */
const POSITION_BITS = 40n;
const INDEX_BITS = 24n;
const INDEX_MASK = (1n << INDEX_BITS) - 1n;

/**
 * The ring is held in typed arrays, not objects (100,000 accounts are 1.6 million points): each point one 64-bit
 * number, its position's leading 40 bits above the account's index, sorted natively. A heap of millions of small
 * strings and objects made every full garbage collection of the process mark them all (tens of milliseconds
 * holding the event loop); the positions order as the full hashes do except for ties of 40 bits.
 */
export class DecoyRing {
  private ids: string[] = [];
  private points = new BigUint64Array(0);
  private readonly pointsOf = new Map<string, BigUint64Array>();

  private readonly mac: Sha256Hmac;

  constructor(key: Buffer) {
    this.mac = new Sha256Hmac(key);
  }

  private position(value: string): bigint {
    return this.mac.digest(value).readBigUInt64BE(0) >> (64n - POSITION_BITS);
  }

  /**
   * Replaces the population (account ids). Hashes only new ids and rebuilds the ring only when the population
   * changed, so the minutely refresh of an unchanged population costs one pass over the ids.
   */
  refresh(ids: string[]): void {
    const live = new Set(ids);
    let changed = false;
    for (const id of this.pointsOf.keys()) {
      if (!live.has(id)) changed = this.pointsOf.delete(id);
    }
    for (const id of live) {
      if (this.pointsOf.has(id)) continue;
      this.pointsOf.set(id, BigUint64Array.from({ length: POINTS_PER_ACCOUNT }, (_, i) => this.position(`account\0${id}\0${i}`)));
      changed = true;
    }
    if (!changed) return;
    this.ids = [...this.pointsOf.keys()];
    if (BigInt(this.ids.length) > INDEX_MASK) throw new Error('too many accounts for the decoy ring');
    const points = new BigUint64Array(this.ids.length * POINTS_PER_ACCOUNT);
    this.ids.forEach((id, index) => {
      const positions = this.pointsOf.get(id) as BigUint64Array;
      for (let i = 0; i < POINTS_PER_ACCOUNT; i++) points[index * POINTS_PER_ACCOUNT + i] = ((positions[i] as bigint) << INDEX_BITS) | BigInt(index);
    });
    this.points = points.sort();
  }

  /** The account that stands in for this typed name (the `attempt`-th one on from its point), or null with no accounts. */
  pick(typed: string, attempt = 0): string | null {
    if (this.points.length === 0) return null;
    const at = this.position(`name\0${usernameKey(typed)}\0${attempt}`) << INDEX_BITS;
    let low = 0;
    let high = this.points.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.points[mid] as bigint) < at) low = mid + 1;
      else high = mid;
    }
    const point = this.points[low % this.points.length] as bigint;
    return this.ids[Number(point & INDEX_MASK)] ?? null;
  }
}
