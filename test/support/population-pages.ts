import type { PopulationPages } from '../../src/flows/reset/decoy-ring.js';

/** These account ids as the store pages them to the decoy ring (id order, after an id, a limit). */
export function populationOf(ids: readonly string[]): PopulationPages {
  const sorted = [...ids].sort();
  return async (afterId, limit) => sorted.filter((id) => id > afterId).slice(0, limit);
}
