/**
 * Sorted runs for the external merge sort of unsorted breach files: in-memory chunks of keys
 * are sorted and written to temporary files of raw 10-byte keys, then merged with a heap.
 * Memory stays bounded: one chunk (≈20 bytes per key) plus a read buffer per run.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { BUCKETS, DATA_OFFSET, KEY_BYTES, RECORD_BYTES } from './breach-format.js';

const TWO_POW_24 = 2 ** 24;
const TWO_POW_32 = 2 ** 32;

function writeKey(buffer: Buffer, at: number, high: number, low: number): void {
  buffer[at] = Math.floor(high / TWO_POW_32);
  buffer.writeUInt32BE(high % TWO_POW_32, at + 1);
  buffer[at + 5] = Math.floor(low / TWO_POW_32);
  buffer.writeUInt32BE(low % TWO_POW_32, at + 6);
}

/** Keys collected in memory until there are enough for a run. */
export class KeyChunk {
  private readonly highs: Float64Array;
  private readonly lows: Float64Array;
  count = 0;

  constructor(readonly capacity: number) {
    this.highs = new Float64Array(capacity);
    this.lows = new Float64Array(capacity);
  }

  push(high: number, low: number): void {
    if (this.count >= this.capacity) throw new Error('KeyChunk overflow');
    this.highs[this.count] = high;
    this.lows[this.count] = low;
    this.count++;
  }

  /** Sorts the keys and writes them to `path` as a run; empties the chunk. */
  async writeRun(path: string): Promise<string> {
    const { highs, lows } = this;
    const order = new Uint32Array(this.count);
    for (let i = 0; i < order.length; i++) order[i] = i;
    order.sort((a, b) => (highs[a] ?? 0) - (highs[b] ?? 0) || (lows[a] ?? 0) - (lows[b] ?? 0));
    const bytes = Buffer.allocUnsafe(order.length * KEY_BYTES);
    for (let i = 0; i < order.length; i++) {
      const index = order[i] ?? 0;
      writeKey(bytes, i * KEY_BYTES, highs[index] ?? 0, lows[index] ?? 0);
    }
    const handle = await open(path, 'w');
    try {
      await handle.write(bytes, 0, bytes.length, 0);
    } finally {
      await handle.close();
    }
    this.count = 0;
    return path;
  }
}

/**
 * Sequential reader of sorted keys from a run file, or from the record area of a partly
 * written corpus file (then `bucketCounts` gives the 2-byte prefix of each record).
 */
export class RunReader {
  high = 0;
  low = 0;
  private buffer: Buffer;
  private available = 0;
  private offset = 0;
  private filePosition: number;
  private remaining: number;
  private bucket = 0;
  private leftInBucket = 0;

  private constructor(
    private readonly handle: FileHandle,
    records: number,
    bufferBytes: number,
    private readonly bucketCounts: Uint32Array | undefined,
  ) {
    this.remaining = records;
    this.filePosition = bucketCounts === undefined ? 0 : DATA_OFFSET;
    const recordBytes = this.recordBytes;
    this.buffer = Buffer.allocUnsafe(Math.max(recordBytes, bufferBytes - (bufferBytes % recordBytes)));
  }

  static async openRun(path: string, records: number, bufferBytes: number): Promise<RunReader> {
    return new RunReader(await open(path, 'r'), records, bufferBytes, undefined);
  }

  static async openCorpusRecords(path: string, bucketCounts: Uint32Array, bufferBytes: number): Promise<RunReader> {
    let records = 0;
    for (const count of bucketCounts) records += count;
    return new RunReader(await open(path, 'r'), records, bufferBytes, bucketCounts);
  }

  private get recordBytes(): number {
    return this.bucketCounts === undefined ? KEY_BYTES : RECORD_BYTES;
  }

  /** Moves to the next key; false at the end. */
  async next(): Promise<boolean> {
    if (this.remaining === 0) return false;
    const recordBytes = this.recordBytes;
    if (this.offset >= this.available) {
      const wanted = Math.min(this.buffer.length, this.remaining * recordBytes);
      const { bytesRead } = await this.handle.read(this.buffer, 0, wanted, this.filePosition);
      if (bytesRead < recordBytes) throw new Error('breach import: run file ended early');
      this.filePosition += bytesRead;
      this.available = bytesRead - (bytesRead % recordBytes);
      this.offset = 0;
    }
    const at = this.offset;
    const b = this.buffer;
    if (this.bucketCounts === undefined) {
      this.high = (b[at] ?? 0) * TWO_POW_32 + b.readUInt32BE(at + 1);
      this.low = (b[at + 5] ?? 0) * TWO_POW_32 + b.readUInt32BE(at + 6);
    } else {
      while (this.leftInBucket === 0 && this.bucket < BUCKETS) this.leftInBucket = this.bucketCounts[this.bucket++] ?? 0;
      this.leftInBucket--;
      const bucket = this.bucket - 1;
      this.high = bucket * TWO_POW_24 + (((b[at] ?? 0) << 16) | ((b[at + 1] ?? 0) << 8) | (b[at + 2] ?? 0));
      this.low = (b[at + 3] ?? 0) * TWO_POW_32 + b.readUInt32BE(at + 4);
    }
    this.offset = at + recordBytes;
    this.remaining--;
    return true;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

function less(a: RunReader, b: RunReader): boolean {
  return a.high < b.high || (a.high === b.high && a.low < b.low);
}

/** K-way merge: calls `emit` with every key of every reader in ascending order. */
export async function mergeRuns(
  readers: readonly RunReader[],
  emit: (high: number, low: number) => void,
  afterEmit: () => Promise<void>,
): Promise<void> {
  const heap: RunReader[] = [];
  for (const reader of readers) if (await reader.next()) heap.push(reader);
  const siftDown = (start: number): void => {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      const leftReader = heap[left];
      const rightReader = heap[right];
      const smallestReader = (): RunReader => heap[smallest] as RunReader;
      if (leftReader !== undefined && less(leftReader, smallestReader())) smallest = left;
      if (rightReader !== undefined && less(rightReader, smallestReader())) smallest = right;
      if (smallest === i) return;
      const swap = heap[i] as RunReader;
      heap[i] = heap[smallest] as RunReader;
      heap[smallest] = swap;
      i = smallest;
    }
  };
  for (let i = Math.floor(heap.length / 2) - 1; i >= 0; i--) siftDown(i);
  while (heap.length > 0) {
    const top = heap[0] as RunReader;
    emit(top.high, top.low);
    if (!(await top.next())) {
      const last = heap.pop() as RunReader;
      if (heap.length === 0) break;
      heap[0] = last;
    }
    siftDown(0);
    await afterEmit();
  }
}
