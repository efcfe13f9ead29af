import { createHmac } from 'node:crypto';
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
export class DecoyRing {
  private points: Array<{ at: string; id: string }> = [];
  private readonly pointsOf = new Map<string, string[]>();

  constructor(private readonly key: Buffer) {}

  private position(value: string): string {
    return createHmac('sha256', this.key).update(value).digest('hex');
  }

  /**
   * Replaces the population (account ids). Hashes only new ids and re-sorts only when the population changed,
   * so the minutely refresh of an unchanged population costs one pass over the ids.
   */
  refresh(ids: string[]): void {
    const live = new Set(ids);
    let changed = false;
    for (const id of this.pointsOf.keys()) {
      if (!live.has(id)) changed = this.pointsOf.delete(id);
    }
    for (const id of live) {
      if (this.pointsOf.has(id)) continue;
      this.pointsOf.set(id, Array.from({ length: POINTS_PER_ACCOUNT }, (_, i) => this.position(`account\0${id}\0${i}`)));
      changed = true;
    }
    if (!changed) return;
    this.points = [...this.pointsOf.entries()].flatMap(([id, ats]) => ats.map((at) => ({ at, id }))).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }

  /** The account that stands in for this typed name (the `attempt`-th one on from its point), or null with no accounts. */
  pick(typed: string, attempt = 0): string | null {
    if (this.points.length === 0) return null;
    const at = this.position(`name\0${usernameKey(typed)}\0${attempt}`);
    let low = 0;
    let high = this.points.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.points[mid]?.at ?? '') < at) low = mid + 1;
      else high = mid;
    }
    return this.points[low % this.points.length]?.id ?? null;
  }
}
