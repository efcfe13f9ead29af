/** The sample at `fraction` (0.5 = median, 0.99 = p99) by the nearest-rank rule; NaN for no samples. Sorts a copy. */
export function percentile(samples: readonly number[], fraction: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}
