/**
 * The worker side of decoy-ring.ts: builds the ring of the accounts it was started with (`workerData.ids`, joined
 * by NUL) and hands the points back by transfer, not by copy.
 */
import type { MessagePort } from 'node:worker_threads';
import { ringPoints } from './decoy-ring-points.js';

export function buildRingForParent(port: MessagePort, key: Uint8Array, joinedIds: string): void {
  const points = ringPoints(key, joinedIds === '' ? [] : joinedIds.split('\0'));
  port.postMessage(points, [points.buffer as ArrayBuffer]);
}
