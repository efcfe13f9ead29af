import { loadavg } from 'node:os';

/** The sample at `fraction` (0.5 = median, 0.99 = p99) by the nearest-rank rule; NaN for no samples. Sorts a copy. */
export function percentile(samples: readonly number[], fraction: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

/** "median (min–max)" of one figure over repeated runs, with `digits` decimals. */
export function medianAndRange(runs: readonly number[], digits = 1): string {
  const sorted = [...runs].sort((a, b) => a - b);
  const f = (value: number | undefined) => (value ?? Number.NaN).toFixed(digits);
  return `${f(percentile(sorted, 0.5))} (${f(sorted[0])}–${f(sorted.at(-1))})`;
}

/** The machine's 1/5/15-minute load averages, for the record next to every figure. */
export function loadAverage(): string {
  return loadavg().map((load) => load.toFixed(2)).join(' ');
}
