/**
 * Takes turns for the synchronous part of password evaluations, so that a request waiting on the event loop (a
 * health check, another user's page) waits behind at most one slice of evaluations, never behind every evaluation
 * that arrived with it; serves requesters in rotation, so one requester's many evaluations do not delay another's;
 * and admits an evaluation only while the wait it joins is bounded, so a flood is refused at once instead of
 * growing a line that every later check waits through.
 *
 * Contract of `run(work, requester)`:
 * - `work` is called in a later turn of the loop (a setImmediate callback, so the loop polls for I/O between two
 *   slices), never synchronously, and `run` settles with its result or error;
 * - one slice runs evaluations back to back while the next one is expected to end within `sliceMs` of the slice's
 *   start (at least one per slice; expected = the running mean of measured evaluations, each counted at most
 *   20 ms);
 * - requesters with waiting evaluations are served one evaluation each in turn (round robin, in order of their
 *   first waiting evaluation); one requester's evaluations run in arrival order;
 * - it rejects with {@link EvaluationBusyError}, without calling `work`, when the requester already has
 *   `perRequester` evaluations waiting, or when the evaluations waiting in all would take more than
 *   `maxWaitingMs` at the running mean (the wait a newcomer could face behind them).
 */

/** Every evaluation slot is taken; the caller answers "busy, try again" (HTTP 503). */
export class EvaluationBusyError extends Error {
  constructor() {
    super('too many password evaluations waiting');
    this.name = 'EvaluationBusyError';
  }
}

export interface TurnLimits {
  /** Evaluations one requester may have waiting (a person: a live check, a submit, another tab). */
  perRequester: number;
  /** Evaluation time, at the running mean per evaluation, that may wait in all. */
  maxWaitingMs: number;
  /** Evaluation time one turn of the loop runs back to back (0: one evaluation per turn). */
  sliceMs: number;
}

/**
 * Evaluations measure 0.5–2 ms for everyday passwords and at most ~6 ms for the worst inputs on the 2-core
 * development machine (test/unit/password-policy/bounded-work.test.ts bounds one at 20 ms). A slice of 8 ms keeps
 * what waits behind it well inside the 50 ms a health check may take; two seconds of waiting work admit hundreds
 * of everyday evaluations at once (honest concurrent resets, one evaluation each), still 100 when a busy machine
 * stretches each to 20 ms, and answer "busy" rather than let a newcomer wait longer.
 */
export const DEFAULT_TURN_LIMITS: TurnLimits = { perRequester: 4, maxWaitingMs: 2_000, sliceMs: 8 };

/** The mean evaluation assumed before any was measured: a worst-case one. */
const INITIAL_MEAN_MS = 6;
/** Weight of the newest measurement in the running mean (about the last 20 evaluations). */
const MEAN_WEIGHT = 0.05;
/**
 * A measurement counts at most this much: one evaluation's work is bounded well below it, so anything longer is
 * not the evaluation's (the estimator loading on first use, a garbage collection, the process waiting for a core).
 */
const MEASURED_MAX_MS = 20;

export class EvaluationTurns {
  /** Waiting evaluations by requester; the map's order is the rotation (a requester served goes to the end). */
  private readonly lines = new Map<string, Array<() => void>>();
  private waitingCount = 0;
  private scheduled = false;
  private meanMs = INITIAL_MEAN_MS;

  constructor(private readonly limits: TurnLimits = DEFAULT_TURN_LIMITS) {}

  run<T>(work: () => T, requester = ''): Promise<T> {
    const line = this.lines.get(requester);
    if ((line?.length ?? 0) >= this.limits.perRequester || (this.waitingCount + 1) * this.meanMs > this.limits.maxWaitingMs) {
      return Promise.reject(new EvaluationBusyError());
    }
    return new Promise<T>((resolve, reject) => {
      const job = () => {
        try {
          resolve(work());
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      };
      if (line) line.push(job);
      else this.lines.set(requester, [job]);
      this.waitingCount++;
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.slice);
      }
    });
  }

  /** Evaluations waiting for their turn. */
  get length(): number {
    return this.waitingCount;
  }

  /** The running mean of measured evaluations, in ms. */
  get meanEvaluationMs(): number {
    return this.meanMs;
  }

  private readonly slice = (): void => {
    const started = performance.now();
    do {
      const before = performance.now();
      this.takeNext()();
      const after = performance.now();
      this.meanMs += MEAN_WEIGHT * (Math.min(after - before, MEASURED_MAX_MS) - this.meanMs);
    } while (this.waitingCount > 0 && performance.now() - started + this.meanMs <= this.limits.sliceMs);
    if (this.waitingCount > 0) setImmediate(this.slice);
    else this.scheduled = false;
  };

  /** The first evaluation of the requester whose turn it is; that requester moves to the end of the rotation. */
  private takeNext(): () => void {
    const [requester, line] = this.lines.entries().next().value as [string, Array<() => void>];
    const job = line.shift() as () => void;
    this.lines.delete(requester);
    if (line.length > 0) this.lines.set(requester, line);
    this.waitingCount--;
    return job;
  }
}
