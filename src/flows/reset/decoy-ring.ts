import { Worker } from 'node:worker_threads';
import { IMPORT_WORKER_MODULE, workerModule } from '../../threads/worker-module.js';
import { Sha256Hmac } from '../../crypto/sha256-hmac.js';
import { usernameKey } from '../../store/users-repository.js';
import { TimeSlices } from '../../threads/time-slices.js';
import { INDEX_BITS, INDEX_MASK, ringPoints, ringPosition } from './decoy-ring-points.js';

/** Account ids after `afterId` in id order, at most `limit` (UsersRepository.idsAfter). */
export type PopulationPages = (afterId: string, limit: number) => Promise<readonly string[]>;

/** Ids read per page: a page's query and comparison stay far below the 20 ms a turn of the loop may take. */
const PAGE_SIZE = 2000;
/** The slice of the event loop a refresh takes between pages. */
const SLICE_MS = 8;
/** Populations up to this many accounts are hashed in this thread (16 keyed hashes each: a few milliseconds). */
const IN_THREAD_MAX = 64;
/** Longest wait for a worker's ring (100,000 accounts take it seconds); past it the ring is built in this thread. */
const WORKER_DEADLINE_MS = 120_000;

export interface DecoyRingOptions {
  /** The worker module (default: decoy-ring-thread next to this file); tests name a failing one. */
  threadUrl?: string;
  /** Populations up to this size are built in this thread (tests lower it to exercise the worker). */
  inThreadMax?: number;
}

/**
 * Who stands in for a name that has no account (or no usable methods): a real account chosen by consistent
 * hashing over a keyed hash of the name. The reset flow answers such a name with the stand-in's method list,
 * hints and `required`, so answers for unknown names are drawn from exactly the distribution of real answers
 * (domains, countries, method sets, administrators' two methods) — and the same name gets the same stand-in
 * every time, until that account is deleted. No client ever sees the stand-in's identity: its methods are
 * offered as decoys whose reference (kept on the server) lets `send` issue challenges like the stand-in's, and
 * no proof against them can succeed (reset-flow.ts).
 *
 * Trade-off (README, "How a reset is protected"): a stranger who types an unknown name sees a masked hint of some real
 * account — information anyone can already get by typing that account's own name.
 *
 * Refreshing never holds the event loop past a slice plus one page read: the population is read a page at a time,
 * an unchanged population costs that reading alone, and a changed one is hashed and sorted in a worker thread
 * (1.6 million keyed hashes and a native sort for 100,000 accounts: seconds). A worker that cannot start, fails or
 * is silent past its deadline leaves that build to this thread, with a process warning `SSPR_DECOY_RING_WORKER`.
 */
export class DecoyRing {
  private ids: readonly string[] = [];
  private points: BigUint64Array<ArrayBufferLike> = new BigUint64Array(0);
  private running: Promise<void> | null = null;
  private readonly mac: Sha256Hmac;

  constructor(
    private readonly key: Buffer,
    private readonly options: DecoyRingOptions = {},
  ) {
    this.mac = new Sha256Hmac(key);
  }

  /** Reads the population and rebuilds the ring if it changed; a refresh asked for while one runs joins it. */
  refresh(read: PopulationPages): Promise<void> {
    this.running ??= this.rebuild(read).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** The account that stands in for this typed name (the `attempt`-th one on from its point), or null with no accounts. */
  pick(typed: string, attempt = 0): string | null {
    if (this.points.length === 0) return null;
    const at = ringPosition(this.mac, `name\0${usernameKey(typed)}\0${attempt}`) << INDEX_BITS;
    let low = 0;
    let high = this.points.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.points[mid] as bigint) < at) low = mid + 1;
      else high = mid;
    }
    const point = this.points[low % this.points.length] as bigint;
    return this.ids[Number(point & INDEX_MASK)] ?? null;
  }

  private async rebuild(read: PopulationPages): Promise<void> {
    const slices = new TimeSlices(SLICE_MS);
    const ids: string[] = [];
    let same = true;
    for (let after = ''; ; ) {
      await slices.pause();
      const page = await read(after, PAGE_SIZE);
      if (page.length === 0) break;
      for (const id of page) {
        if (same && this.ids[ids.length] !== id) same = false;
        ids.push(id);
      }
      after = page[page.length - 1] as string;
    }
    if (same && ids.length === this.ids.length) return;
    const points = ids.length <= (this.options.inThreadMax ?? IN_THREAD_MAX) ? ringPoints(this.key, ids) : ((await this.inWorker(ids)) ?? ringPoints(this.key, ids));
    this.ids = ids;
    this.points = points;
  }

  /** The ring built by a worker thread, or null (with the warning) when the worker gave none. */
  private inWorker(ids: readonly string[]): Promise<BigUint64Array | null> {
    const thread = workerModule('decoy-ring-thread', import.meta.url);
    const url = this.options.threadUrl ?? thread.url;
    const starter = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { url, fromSource, key, joinedIds } = workerData;
      ${IMPORT_WORKER_MODULE}.then((m) => m.buildRingForParent(parentPort, key, joinedIds));`;
    return new Promise((resolve) => {
      let worker: Worker | undefined;
      let settled = false;
      const give = (points: BigUint64Array | null, reason?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        if (points === null) process.emitWarning(`the decoy ring is built in the serving thread: ${reason}`, { code: 'SSPR_DECOY_RING_WORKER' });
        resolve(points);
        void worker?.terminate();
      };
      const deadline = setTimeout(() => give(null, `no ring within ${WORKER_DEADLINE_MS} ms`), WORKER_DEADLINE_MS);
      deadline.unref();
      try {
        // One string, not an array of 100,000: it crosses to the worker as one copy. Ids are UUIDs (no NUL).
        worker = new Worker(starter, { eval: true, workerData: { url, fromSource: thread.fromSource, key: new Uint8Array(this.key), joinedIds: ids.join('\0') } });
      } catch (error) {
        give(null, String(error));
        return;
      }
      worker.once('message', (points: BigUint64Array) => give(points));
      worker.once('error', (error) => give(null, String(error)));
      worker.once('exit', (code) => give(null, `the worker exited (code ${code})`));
    });
  }
}
