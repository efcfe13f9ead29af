import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived the last full collection before it collects again,
 * per kind of process (`--heap-growing-percent`: 25 = to 1.25 times that, plus the young generation's size). By
 * default V8 picks up to four times when collections are cheap, and resident memory follows the heap.
 *
 * serve: 32 clients changing passwords took the serving thread's heap from ≈ 40 MB live to ≈ 110 MB between two
 * collections; at 1.25 times the old generation stays near 50 MB. The price, at 160 changes a second: a full
 * collection every 0.75 s instead of every 3 s (with twice), each ≈ 8 ms of pause and 9 ms of incremental marking,
 * ≈ 0.1 ms of the serving thread per change.
 *
 * sync: a full sync keeps ≈ 20 MB live while some of the entries it parses are promoted. With V8's choice the heap
 * reached ≈ 90 MB (peak resident memory ≈ 180 MB for 100,000 accounts) with pages of 100 entries always, and with
 * pages of 50 in one run of six on a loaded machine; at twice it stayed near 40 MB (≈ 120 MB resident) in every
 * run, for no measurable CPU.
 */
export const HEAP_GROWING_PERCENT = { serve: 25, sync: 100 } as const;

/**
 * Sets `--heap-growing-percent` for this process unless node's command line or NODE_OPTIONS chose one (that wins).
 * Unlike the heap's sizes, V8 reads it at every collection, so it can be set from inside the process.
 */
export function limitHeapGrowth(percent: number): void {
  const chosen = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) => arg.includes('heap-growing-percent'));
  if (!chosen) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
