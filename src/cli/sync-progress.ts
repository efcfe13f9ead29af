/**
 * The progress line of `sspr sync` on a terminal: a bar when earlier runs tell how many entries to expect,
 * a counter otherwise, and the rate. Redrawn at most every 100 ms; `done()` ends the line.
 */
const WIDTH = 30;
const REDRAW_MS = 100;

export class SyncProgress {
  private expected: number | null = null;
  private label = 'sync';
  private readonly startedMs = performance.now();
  private drawnMs = 0;
  private processed = 0;

  constructor(private readonly out: NodeJS.WriteStream) {}

  start(label: string, expected: number | null): void {
    this.label = label;
    this.expected = expected;
  }

  update(processed: number): void {
    this.processed = processed;
    const now = performance.now();
    if (now - this.drawnMs < REDRAW_MS) return;
    this.drawnMs = now;
    this.draw(now);
  }

  done(): void {
    if (this.drawnMs === 0) return;
    this.draw(performance.now());
    this.out.write('\n');
  }

  private draw(now: number): void {
    const rate = this.processed / Math.max((now - this.startedMs) / 1000, 0.001);
    const count = this.processed.toLocaleString('en');
    let line = `${this.label}: ${count} entries`;
    if (this.expected !== null) {
      // The estimate comes from the last run; the directory may have grown since, so the bar stops at full.
      const share = Math.min(this.processed / this.expected, 1);
      const filled = Math.round(share * WIDTH);
      line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${count} / ~${this.expected.toLocaleString('en')} entries`;
    }
    this.out.write(`\r${line}, ${Math.round(rate).toLocaleString('en')}/s\x1b[K`);
  }
}
