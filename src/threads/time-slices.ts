import { setImmediate as nextTurn } from 'node:timers/promises';

/** What a slice is measured with and how the loop is handed back (tests pass a clock and a turn of their own). */
export interface SliceTiming {
  now(): number;
  turn(): Promise<void>;
}

const realTiming: SliceTiming = { now: () => performance.now(), turn: () => nextTurn() };

/**
 * Cuts long work into slices of at most `budgetMs` of the event loop: `pause()` hands the loop back (one
 * `setImmediate` turn, so I/O and timers run) once the current slice has used its budget, and costs nothing
 * before. A slice cannot end inside one synchronous step (a SQLite query), so the budget is set below the
 * limit by the longest such step; `longestMs` says what the longest slice took, `turns` how often it handed back.
 */
export class TimeSlices {
  private started: number;
  longestMs = 0;
  turns = 0;

  constructor(
    private readonly budgetMs: number,
    private readonly timing: SliceTiming = realTiming,
  ) {
    this.started = timing.now();
  }

  async pause(): Promise<void> {
    const used = this.timing.now() - this.started;
    if (used < this.budgetMs) return;
    this.longestMs = Math.max(this.longestMs, used);
    this.turns++;
    await this.timing.turn();
    this.started = this.timing.now();
  }

  /** Ends the last slice (its time counts in `longestMs`). */
  end(): void {
    this.longestMs = Math.max(this.longestMs, this.timing.now() - this.started);
  }
}
