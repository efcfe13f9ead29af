/**
 * Runs work after the current answer has been sent: a task starts on the event loop's check phase, once the
 * request's promise chain (and with it the response write) has run. `drain` waits for everything handed over.
 * Failures go to `onError`; they never reach the request that scheduled the work.
 */
export class AfterAnswer {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly onError: (error: unknown) => void) {}

  run(work: () => Promise<void>): void {
    const task = new Promise<void>((resolve) => setImmediate(resolve)).then(work).catch(this.onError);
    this.pending.add(task);
    void task.finally(() => this.pending.delete(task));
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
