import { CappedMap } from 'altcha-lib';

const HALF_LIFE_MS = 60_000;

/** An event count that halves every minute: roughly "events in the last minute and a half", in O(1) memory. */
class DecayingCount {
  private value = 0;
  private at = 0;

  add(now: number): number {
    this.value = this.read(now) + 1;
    this.at = now;
    return this.value;
  }

  read(now: number): number {
    return this.value * 2 ** (-(Math.max(0, now - this.at)) / HALF_LIFE_MS);
  }
}

/** One doubling step per doubling of load above the baseline: 0 at or below it. */
const steps = (count: number, baseline: number) => Math.floor(Math.log2(1 + count / baseline));

/**
 * How hard the next challenge is. Work doubles with each doubling of recent load above a baseline, counted
 * three ways: challenges issued to this client (up to 2^6 = 64× for a client that hoards challenges), and,
 * for everyone, challenges issued and captcha failures on this node (up to 2^3 = 8× each, so legitimate users
 * pay at most 8× while the service is under a flood). Load decays with a half-life of one minute.
 * Trade-off: under a flood every user's browser works harder; the cap keeps that to seconds, not minutes.
 */
export class AdaptiveDifficulty {
  private readonly issued = new DecayingCount();
  private readonly failures = new DecayingCount();
  private readonly perClient = new CappedMap<string, DecayingCount>({ maxSize: 10_000 });

  constructor(
    private readonly baseMaxNumber: number,
    private readonly clock: { now(): number },
    private readonly baselines = { issued: 60, failures: 10, perClient: 10 },
  ) {}

  /** Counts one challenge for this client and returns its difficulty (the search range's upper end). */
  next(client: string): number {
    const now = this.clock.now();
    let mine = this.perClient.get(client) as DecayingCount | undefined;
    if (!mine) {
      mine = new DecayingCount();
      this.perClient.set(client, mine);
    }
    const own = Math.min(6, steps(mine.add(now) - 1, this.baselines.perClient));
    const load = Math.min(3, steps(this.issued.add(now) - 1, this.baselines.issued));
    const failing = Math.min(3, steps(this.failures.read(now), this.baselines.failures));
    return this.baseMaxNumber * 2 ** (own + load + failing);
  }

  /** A posted solution that did not verify (wrong, replayed, expired, malformed). */
  failed(): void {
    this.failures.add(this.clock.now());
  }
}
