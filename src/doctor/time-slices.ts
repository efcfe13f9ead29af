import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Cuts long work into slices of at most `budgetMs` of the event loop: `pause()` hands the loop back (one
 * `setImmediate` turn, so I/O and timers run) once the current slice has used its budget, and costs nothing
 * before. A slice cannot end inside one synchronous step (a SQLite query), so the budget is set below the
 * limit by the longest such step; `longestMs` says what the longest slice took.
 */
export class TimeSlices {
  private started = performance.now();
  longestMs = 0;

  constructor(private readonly budgetMs: number) {}

  async pause(): Promise<void> {
    const used = performance.now() - this.started;
    if (used < this.budgetMs) return;
    this.longestMs = Math.max(this.longestMs, used);
    await nextTurn();
    this.started = performance.now();
  }

  /** Ends the last slice (its time counts in `longestMs`). */
  end(): void {
    this.longestMs = Math.max(this.longestMs, performance.now() - this.started);
  }
}
