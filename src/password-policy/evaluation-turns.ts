/**
 * Takes turns for the synchronous part of password evaluations: at most one per turn of the event loop, so a
 * request that waits on the loop (a health check, another user's page) waits behind at most one evaluation, not
 * behind every evaluation that arrived with it; and at most `capacity` waiting, so a flood is refused at once
 * instead of growing a queue that every later check waits through.
 *
 * Contract: `run(work)` calls `work` in a later turn (a setImmediate callback, so the loop polls for I/O between
 * two evaluations), in arrival order, and settles with its result; when `capacity` evaluations already wait it
 * rejects with {@link EvaluationBusyError} without calling `work`.
 */

/** Every evaluation slot is taken; the caller answers "busy, try again" (HTTP 503). */
export class EvaluationBusyError extends Error {
  constructor() {
    super('too many password evaluations waiting');
    this.name = 'EvaluationBusyError';
  }
}

/** Evaluations allowed to wait: at ≤ 5 ms of CPU each, the last waits ≤ ~0.2 s on an idle core. */
export const EVALUATION_QUEUE_CAPACITY = 32;

export class EvaluationTurns {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  constructor(private readonly capacity = EVALUATION_QUEUE_CAPACITY) {}

  run<T>(work: () => T): Promise<T> {
    if (this.waiting.length >= this.capacity) return Promise.reject(new EvaluationBusyError());
    return new Promise<T>((resolve, reject) => {
      this.waiting.push(() => {
        try {
          resolve(work());
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.next);
      }
    });
  }

  /** Evaluations waiting for their turn. */
  get length(): number {
    return this.waiting.length;
  }

  private readonly next = (): void => {
    this.waiting.shift()?.();
    if (this.waiting.length > 0) setImmediate(this.next);
    else this.scheduled = false;
  };
}
