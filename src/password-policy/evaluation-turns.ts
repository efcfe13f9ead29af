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
 * - one slice runs evaluations back to back: as many as take `sliceMs` at the typical cost (at least one), and
 *   none more once the slice has taken four times that long (a run of slow ones). The typical cost is the median
 *   of the last measured evaluations: on a machine short of cores one evaluation in ten may measure ten times its
 *   work (the thread waited for a core), and a mean would make slices of one and a loop that serves everything
 *   else before the waiting evaluations;
 * - requesters with waiting evaluations are served one evaluation each in turn (round robin, in order of their
 *   first waiting evaluation); one requester's evaluations run in arrival order;
 * - it rejects with {@link EvaluationBusyError}, without calling `work`, when the requester already has
 *   `perRequester` evaluations waiting, or when the evaluations waiting in all would take more than
 *   `maxWaitingMs` at the typical cost (the wait a newcomer could face behind them).
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
  /** Evaluation time, at the typical cost per evaluation, that may wait in all. */
  maxWaitingMs: number;
  /** Evaluation time one turn of the loop runs back to back (0: one evaluation per turn). */
  sliceMs: number;
}

/**
 * Evaluations measure 0.5–2 ms for everyday passwords and at most ~6 ms for the worst inputs on the 2-core
 * development machine (test/unit/password-policy/bounded-work.test.ts bounds one at 20 ms). A slice of 8 ms keeps
 * what waits behind it well inside the 50 ms a health check may take; two seconds of waiting work admit hundreds
 * of everyday evaluations at once (honest concurrent resets, one evaluation each), still 100 when a busy machine
 * stretches the typical one to 20 ms, and answer "busy" rather than let a newcomer wait longer.
 */
export const DEFAULT_TURN_LIMITS: TurnLimits = { perRequester: 4, maxWaitingMs: 2_000, sliceMs: 8 };

/** The evaluation cost assumed before any was measured: a worst-case one. */
const INITIAL_COST_MS = 6;
/** Measurements the typical cost is the median of. */
const COST_WINDOW = 15;
/** A slice stops after this many times `sliceMs`, whatever the typical cost says. */
const SLICE_GUARD = 4;

export class EvaluationTurns {
  /** Waiting evaluations by requester; the map's order is the rotation (a requester served goes to the end). */
  private readonly lines = new Map<string, Array<() => void>>();
  private waitingCount = 0;
  private scheduled = false;
  /** The last COST_WINDOW measurements (a ring) and their median. */
  private readonly costs = new Float64Array(COST_WINDOW).fill(INITIAL_COST_MS);
  private nextCost = 0;
  private typicalMs = INITIAL_COST_MS;

  constructor(private readonly limits: TurnLimits = DEFAULT_TURN_LIMITS) {}

  run<T>(work: () => T, requester = ''): Promise<T> {
    const line = this.lines.get(requester);
    if ((line?.length ?? 0) >= this.limits.perRequester || (this.waitingCount + 1) * this.typicalMs > this.limits.maxWaitingMs) {
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

  /** The typical cost of one evaluation (the median of the last measured), in ms. */
  get typicalEvaluationMs(): number {
    return this.typicalMs;
  }

  private readonly slice = (): void => {
    const started = performance.now();
    const { sliceMs } = this.limits;
    const count = sliceMs <= 0 ? 1 : this.typicalMs <= 0 ? Infinity : Math.max(1, Math.floor(sliceMs / this.typicalMs));
    const guard = started + SLICE_GUARD * sliceMs;
    let before = started;
    for (let done = 0; done < count && this.waitingCount > 0 && (done === 0 || before < guard); done++) {
      this.takeNext()();
      const after = performance.now();
      this.costs[this.nextCost] = after - before;
      this.nextCost = (this.nextCost + 1) % COST_WINDOW;
      before = after;
    }
    this.typicalMs = median(this.costs);
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

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[sorted.length >> 1] as number;
}
