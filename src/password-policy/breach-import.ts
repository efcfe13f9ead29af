/**
 * importBreachCorpus: converts an operator-supplied Have I Been Pwned SHA-1 file
 * (`SHA1HEX:count` lines) into the compact sorted corpus read by BreachCorpus.
 *
 * HIBP's own download is sorted by hash, and sorted input streams straight into the output.
 * Input is not trusted to be sorted, though: at the first key out of order, the keys
 * written so far become the first run of an external merge sort, the rest is cut into
 * in-memory chunks (`runRecords` keys, default 2M ≈ 40 MB) that are sorted and written to
 * temporary files, and all runs are k-way merged into the output. Duplicates are dropped.
 *
 * Malformed lines are skipped and counted; if more than `maxMalformedRatio` (default 1%) of
 * the non-empty lines are malformed, the import fails naming the first bad line numbers —
 * such a file is probably not an HIBP SHA-1 file at all (the NTLM edition, for instance).
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CorpusWriter } from './breach-corpus-writer.js';
import { HibpLineParser } from './breach-hibp-parser.js';
import { KeyChunk, RunReader, mergeRuns } from './breach-runs.js';

export interface ImportProgress {
  phase: 'reading' | 'merging' | 'done';
  bytesRead: number;
  totalBytes: number;
  lines: number;
  records: number;
}

export interface ImportOptions {
  /** Keys per in-memory sort chunk for unsorted input (default 2,000,000). */
  runRecords?: number;
  /** Fail if more than this share of non-empty lines is malformed (default 0.01). */
  maxMalformedRatio?: number;
  /** Bytes read from the source at a time (default 4 MiB, at most 16 MiB); runs are cut between reads. */
  readChunkBytes?: number;
}

export interface ImportResult {
  /** Distinct hashes written. */
  records: number;
  lines: number;
  malformed: number;
  /** Up to five 1-based line numbers of malformed lines. */
  malformedLineNumbers: number[];
  duplicates: number;
  /** Lines with count 0 (padding), skipped. */
  zeroCount: number;
  sortedInput: boolean;
  /** Temporary sorted runs used (0 for sorted input). */
  runs: number;
}

const READ_CHUNK_BYTES = 4 * 1024 * 1024;
/** Shortest valid line: 40 hex digits, ':', one digit, LF. */
const MIN_LINE_BYTES = 43;
const MERGE_READ_BUDGET_BYTES = 64 * 1024 * 1024;
const EARLY_CHECK_LINES = 10_000;

function malformedError(srcPath: string, parser: HibpLineParser): Error {
  const where = parser.malformedLineNumbers.join(', ');
  return new Error(
    `${srcPath}: ${parser.malformed} of ${parser.malformed + parser.records + parser.zeroCount} lines are not ` +
      `"SHA1HEX:count" (first at line ${where}); is this the SHA-1 edition of Pwned Passwords?`,
  );
}

export async function importBreachCorpus(
  srcPath: string,
  destPath: string,
  onProgress?: (progress: ImportProgress) => void,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const runRecords = options.runRecords ?? 2_000_000;
  const maxMalformedRatio = options.maxMalformedRatio ?? 0.01;
  // At most 16 MiB per read, so one read's keys always fit in the writer's buffer.
  const readChunkBytes = Math.min(options.readChunkBytes ?? READ_CHUNK_BYTES, 16 * 1024 * 1024);
  // A run is cut after the read that fills it, so leave room for one read's worth of keys.
  const chunkSlack = Math.ceil(readChunkBytes / MIN_LINE_BYTES) + 1;
  const totalBytes = (await stat(srcPath)).size;
  const tempDir = await mkdtemp(join(dirname(destPath), '.sspr-breach-import-'));
  const direct = await CorpusWriter.create(join(tempDir, 'sorted-prefix.corpus'));
  const parser = new HibpLineParser();
  const chunk = new KeyChunk(runRecords + chunkSlack);
  const runs: { path: string; records: number }[] = [];
  let sorted = true;
  let previousHigh = -1;
  let previousLow = -1;
  const sink = (high: number, low: number): void => {
    if (sorted && (high > previousHigh || (high === previousHigh && low >= previousLow))) {
      direct.add(high, low);
      previousHigh = high;
      previousLow = low;
    } else {
      sorted = false;
      chunk.push(high, low);
    }
  };
  const writeRun = async (): Promise<void> => {
    const records = chunk.count;
    runs.push({ path: await chunk.writeRun(join(tempDir, `run-${runs.length}.keys`)), records });
  };
  let bytesRead = 0;
  const report = (phase: ImportProgress['phase']): void =>
    onProgress?.({ phase, bytesRead, totalBytes, lines: parser.lines, records: parser.records });

  try {
    for await (const data of createReadStream(srcPath, { highWaterMark: readChunkBytes })) {
      const bytes = data as Buffer;
      parser.feed(bytes, sink);
      bytesRead += bytes.length;
      if (direct.needsFlush) await direct.flush();
      if (chunk.count >= runRecords) await writeRun();
      if (parser.lines >= EARLY_CHECK_LINES && parser.malformed * 2 > parser.lines) throw malformedError(srcPath, parser);
      report('reading');
    }
    parser.end(sink);
    const nonEmpty = parser.records + parser.malformed + parser.zeroCount;
    if (parser.malformed > nonEmpty * maxMalformedRatio) throw malformedError(srcPath, parser);
    if (parser.records === 0) throw new Error(`${srcPath}: no "SHA1HEX:count" lines found`);

    let records: number;
    let duplicates = direct.duplicates;
    if (sorted) {
      records = await direct.finish(destPath);
    } else {
      if (chunk.count > 0) await writeRun();
      await direct.flush();
      report('merging');
      const merged = await CorpusWriter.create(join(tempDir, 'merged.corpus'));
      const bufferBytes = Math.max(64 * 1024, Math.floor(MERGE_READ_BUDGET_BYTES / (runs.length + 1)));
      const readers = [
        await RunReader.openCorpusRecords(direct.path, direct.bucketCounts, bufferBytes),
        ...(await Promise.all(runs.map((run) => RunReader.openRun(run.path, run.records, bufferBytes)))),
      ];
      try {
        await mergeRuns(
          readers,
          (high, low) => merged.add(high, low),
          async () => {
            if (merged.needsFlush) await merged.flush();
          },
        );
      } catch (error) {
        await merged.discard();
        throw error;
      } finally {
        await Promise.all(readers.map((reader) => reader.close()));
      }
      records = await merged.finish(destPath);
      duplicates += merged.duplicates;
      await direct.discard();
    }
    report('done');
    return {
      records,
      lines: parser.lines,
      malformed: parser.malformed,
      malformedLineNumbers: [...parser.malformedLineNumbers],
      duplicates,
      zeroCount: parser.zeroCount,
      sortedInput: sorted,
      runs: runs.length,
    };
  } catch (error) {
    await direct.discard();
    throw error;
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
}
