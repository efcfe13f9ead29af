import { CappedMap } from 'altcha-lib';

/**
 * Remembers which solved challenges were already spent, so one solution buys exactly one request.
 * Keys are the challenges' HMAC signatures; `expiresAt` (ms since the epoch) is when the challenge stops
 * being accepted anyway, after which the entry may be forgotten.
 *
 * Contract for implementations:
 * - `add` is the authoritative check and must be atomic: it records the signature and returns `true` only
 *   if it was not recorded before (a database does `INSERT … ON CONFLICT DO NOTHING` and looks at the row
 *   count). Two requests carrying the same payload at the same moment must not both get `true`.
 * - `has` is a read-only look-up, used as a cheap early answer.
 *
 * With several server nodes each holding its own in-memory store, a payload can be spent once per node
 * within the expiry window; plug in a shared (database-backed) store to close that gap.
 */
export interface ReplayStore {
  has(signature: string): boolean | Promise<boolean>;
  add(signature: string, expiresAt: number): boolean | Promise<boolean>;
}

/**
 * The default store: a bounded map in process memory. Expired entries are dropped from the oldest end as
 * new ones arrive. When the map is full of unexpired entries the oldest is evicted, which re-opens that one
 * payload for replay — acceptable, because pushing it out takes `maxEntries` freshly solved challenges,
 * far more work than the replay saves. Size it above the number of captcha-protected requests you expect
 * per expiry window.
 */
export class InMemoryReplayStore implements ReplayStore {
  private readonly spent: CappedMap<string, number>;

  constructor(
    private readonly clock: { now(): number },
    maxEntries = 100_000,
  ) {
    this.spent = new CappedMap<string, number>({ maxSize: maxEntries });
  }

  has(signature: string): boolean {
    const expiresAt = this.spent.get(signature) as number | undefined;
    return expiresAt !== undefined && expiresAt > this.clock.now();
  }

  add(signature: string, expiresAt: number): boolean {
    this.dropExpired();
    if (this.has(signature)) return false;
    this.spent.delete(signature);
    this.spent.set(signature, expiresAt);
    return true;
  }

  /** Entries arrive in roughly expiry order, so expired ones collect at the front of the map. */
  private dropExpired(): void {
    const now = this.clock.now();
    for (const [signature, expiresAt] of this.spent as Map<string, number>) {
      if (expiresAt > now) break;
      this.spent.delete(signature);
    }
  }

  get size(): number {
    return this.spent.size;
  }
}
