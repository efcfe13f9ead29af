/**
 * Password-policy benchmark. Prints figures; asserts nothing.
 *
 *   npm run bench -- password                                    (compiled, as measured)
 *   BENCH_BREACH_ENTRIES=1000000 npm run bench -- password       (smaller corpus)
 *
 * 1. Breach corpus lookups on a generated corpus of BENCH_BREACH_ENTRIES (default 100M)
 *    random SHA-1 prefixes, written directly in the sorted binary format to os.tmpdir().
 *    Lookups run in a fresh child process so its resident memory is the lookup's alone;
 *    if python3 is present the corpus's pages are first evicted from the page cache
 *    (posix_fadvise DONTNEED on that one file) so the first pass reads from disk.
 * 2. importBreachCorpus on 1M HIBP-format lines, sorted and shuffled.
 * 3. Banned-term evaluation with a 100,000-term generated list (target p99 < 1 ms), and the
 *    full synchronous evaluation including the zxcvbn estimate.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes, randomFillSync } from 'node:crypto';
import { mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BannedTermIndex } from '../src/password-policy/banned-term-index.js';
import { evaluateBannedTerms } from '../src/password-policy/banned-terms.js';
import { BreachCorpus, importBreachCorpus } from '../src/password-policy/breach-corpus.js';
import { BUCKETS, DATA_OFFSET, HEADER_BYTES, RECORD_BYTES, encodeHeader } from '../src/password-policy/breach-format.js';
import { evaluatePasswordSync } from '../src/password-policy/evaluate.js';
import { DEFAULT_PASSWORD_SETTINGS } from '../src/password-policy/settings.js';
import { preloadStrengthEstimator } from '../src/password-policy/strength.js';
import { percentile } from './stats.js';

const LOOKUP_CHILD_FLAG = '--breach-lookups-child';
const SAMPLE_HITS = 20_000;

function summary(label: string, timesMs: number[]): string {
  const sorted = [...timesMs].sort((a, b) => a - b);
  const f = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
  return `${label}: n=${sorted.length} p50=${f(percentile(sorted, 0.5))} p99=${f(percentile(sorted, 0.99))} max=${f(sorted.at(-1) ?? 0)}`;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Writes a corpus of `entries` random keys, sorted by construction per bucket: bucket sizes
 * are spread evenly, and within a bucket sorted random 32-bit values plus random 32-bit
 * tails make the 8-byte records. Also writes `sampleHits` existing keys (10 bytes each).
 */
async function generateCorpus(path: string, entries: number, samplesPath: string): Promise<void> {
  const handle = await open(path, 'w');
  const fanout = Buffer.alloc((BUCKETS + 1) * 4);
  const samples = Buffer.alloc(SAMPLE_HITS * 10);
  const sampleEvery = Math.max(1, Math.floor(entries / SAMPLE_HITS));
  const out = Buffer.allocUnsafe(16 * 1024 * 1024);
  let fill = 0;
  let position = DATA_OFFSET;
  let written = 0;
  let sampled = 0;
  for (let bucket = 0; bucket < BUCKETS; bucket++) {
    fanout.writeUInt32LE(written, bucket * 4);
    const count = Math.floor(((bucket + 1) * entries) / BUCKETS) - Math.floor((bucket * entries) / BUCKETS);
    const highs = new Uint32Array(count);
    const lows = new Uint32Array(count);
    randomFillSync(highs);
    randomFillSync(lows);
    highs.sort();
    for (let i = 0; i < count; i++) {
      const high = highs[i] ?? 0;
      let low = lows[i] ?? 0;
      if (i > 0 && high === highs[i - 1]) {
        // Rare equal prefixes: keep records strictly ascending.
        low = Math.max(low, (lows[i - 1] ?? 0) + 1);
        if (low > 0xffffffff) low = 0xffffffff;
        lows[i] = low;
      }
      if (fill + RECORD_BYTES > out.length) {
        await handle.write(out, 0, fill, position);
        position += fill;
        fill = 0;
      }
      out.writeUInt32BE(high, fill);
      out.writeUInt32BE(low, fill + 4);
      if ((written + i) % sampleEvery === 0 && sampled < SAMPLE_HITS) {
        samples.writeUInt16BE(bucket, sampled * 10);
        samples.writeUInt32BE(high, sampled * 10 + 2);
        samples.writeUInt32BE(low, sampled * 10 + 6);
        sampled++;
      }
      fill += RECORD_BYTES;
    }
    written += count;
  }
  await handle.write(out, 0, fill, position);
  fanout.writeUInt32LE(written, BUCKETS * 4);
  await handle.write(Buffer.concat([encodeHeader(written), fanout]), 0, HEADER_BYTES + fanout.length, 0);
  await handle.close();
  await writeFile(samplesPath, samples.subarray(0, sampled * 10));
}

/** Evicts one file's pages from the page cache, if python3 is available. */
function evictFromPageCache(path: string): boolean {
  const script = 'import os,sys\nfd=os.open(sys.argv[1],os.O_RDONLY)\nos.posix_fadvise(fd,0,0,os.POSIX_FADV_DONTNEED)';
  const result = spawnSync('python3', ['-c', script, path], { stdio: 'ignore' });
  return result.status === 0;
}

/** Child process: opens the corpus and runs the lookups; prints one JSON line. */
async function runLookupsChild(corpusPath: string, samplesPath: string): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const samples = await readFile(samplesPath);
  const baselineRss = process.memoryUsage().rss;
  const corpus = await BreachCorpus.open(corpusPath);
  const hits = samples.length / 10;
  const digestOf = (i: number) => Buffer.concat([samples.subarray(i * 10, i * 10 + 10), randomBytes(10)]);
  // Visit the samples in a scattered order (7919 is prime), not file order, so that
  // read-ahead of one lookup does not serve the next.
  const pass = async (count: number, hit: boolean, offset = 0): Promise<number[]> => {
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const digest = hit ? digestOf(((i + offset) * 7919) % hits) : randomBytes(20);
      const started = performance.now();
      const found = await corpus.hasSha1(digest);
      times.push(performance.now() - started);
      if (found !== hit && hit) throw new Error(`lookup ${i} missed an existing key`);
    }
    return times;
  };
  const cold = await pass(Math.min(hits, 5000), true);
  const hitTimes = await pass(hits, true, 5000);
  const missTimes = await pass(20_000, false);
  const rss = process.memoryUsage().rss;
  await corpus.close();
  process.stdout.write(`${JSON.stringify({ size: corpus.size, cold, hitTimes, missTimes, rss, baselineRss })}\n`);
}

async function benchBreachLookups(dir: string): Promise<void> {
  const entries = Number(process.env.BENCH_BREACH_ENTRIES ?? 100_000_000);
  const corpusPath = join(dir, 'bench.corpus');
  const samplesPath = join(dir, 'bench.samples');
  const started = performance.now();
  await generateCorpus(corpusPath, entries, samplesPath);
  const size = (await stat(corpusPath)).size;
  console.log(`breach corpus: generated ${entries.toLocaleString('en')} entries, ${mb(size)} in ${((performance.now() - started) / 1000).toFixed(1)} s (${corpusPath})`);
  const evicted = evictFromPageCache(corpusPath);
  const child = spawnSync(
    process.execPath,
    // Same loader as this process: plain Node for the compiled bench (npm run bench), tsx when run from source.
    [...process.execArgv, fileURLToPath(import.meta.url), LOOKUP_CHILD_FLAG, corpusPath, samplesPath],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (child.status !== 0) throw new Error(`lookup child failed: ${child.stderr}`);
  const result = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as {
    size: number;
    cold: number[];
    hitTimes: number[];
    missTimes: number[];
    rss: number;
    baselineRss: number;
  };
  console.log(`  ${summary(evicted ? 'first lookups after page-cache eviction (hits)' : 'first lookups (hits)', result.cold)}`);
  console.log(`  ${summary('lookups, hits', result.hitTimes)}`);
  console.log(`  ${summary('lookups, misses', result.missTimes)}`);
  console.log(
    `  resident memory of the lookup process: ${mb(result.rss)} (target < 100 MB); ` +
      `of which the runtime before opening the corpus: ${mb(result.baselineRss)}`,
  );
}

async function benchImport(dir: string): Promise<void> {
  const lines = 1_000_000;
  const hashes = Array.from({ length: lines }, () => randomBytes(20).toString('hex').toUpperCase());
  const sorted = [...hashes].sort();
  for (const [label, list] of [
    ['sorted', sorted],
    ['shuffled', hashes],
  ] as const) {
    const source = join(dir, `hibp-${label}.txt`);
    await writeFile(source, list.map((hash, i) => `${hash}:${(i % 97) + 1}`).join('\r\n'));
    const started = performance.now();
    const result = await importBreachCorpus(source, join(dir, `hibp-${label}.corpus`));
    const seconds = (performance.now() - started) / 1000;
    console.log(`import ${lines.toLocaleString('en')} ${label} HIBP lines: ${seconds.toFixed(2)} s (${Math.round(lines / seconds).toLocaleString('en')} lines/s, ${result.runs} runs, ${result.records.toLocaleString('en')} records)`);
  }
}

function generatedTerms(count: number): string[] {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(count * 17);
  const terms: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = 4 + ((bytes[i * 17] ?? 0) % 13);
    let term = '';
    for (let j = 1; j <= length; j++) term += alphabet[(bytes[i * 17 + j] ?? 0) % alphabet.length];
    terms.push(term);
  }
  return terms;
}

/** Realistic-looking passwords: words from the term list mixed with digits and symbols. */
function generatedPasswords(count: number, terms: readonly string[]): string[] {
  const words = ['Sommer', 'kaffee', 'Regen', 'tiger', 'Blume', 'river', 'Stone', 'lampe', 'Quiet', 'zug'];
  const extras = ['!', '#', '2024', '7', '-', ' ', '99', '?'];
  const passwords: string[] = [];
  for (let i = 0; i < count; i++) {
    const parts: string[] = [];
    const pieces = 2 + (i % 4);
    for (let p = 0; p < pieces; p++) {
      const roll = (i * 31 + p * 17) % 10;
      if (roll < 3) parts.push(terms[(i * 7 + p) % terms.length] ?? '');
      else if (roll < 7) parts.push(words[(i + p * 3) % words.length] ?? '');
      else parts.push(extras[(i + p) % extras.length] ?? '');
    }
    passwords.push(parts.join(''));
  }
  return passwords;
}

function benchBannedTerms(): void {
  const terms = generatedTerms(100_000);
  let started = performance.now();
  const index = BannedTermIndex.build(terms);
  console.log(`banned-term index: ${index.size.toLocaleString('en')} terms built in ${(performance.now() - started).toFixed(0)} ms, rss ${mb(process.memoryUsage().rss)}`);
  const passwords = generatedPasswords(50_000, terms);
  for (const password of passwords.slice(0, 2000)) evaluateBannedTerms(password, index); // warm-up
  const times: number[] = [];
  for (const password of passwords) {
    started = performance.now();
    evaluateBannedTerms(password, index, { firstName: 'Anna', lastName: 'Schmidt', organisation: 'Contoso' });
    times.push(performance.now() - started);
  }
  const lengths = passwords.map((password) => password.length).sort((a, b) => a - b);
  console.log(`  passwords ${lengths[0]}–${lengths.at(-1)} chars (median ${percentile(lengths, 0.5)})`);
  console.log(`  ${summary('banned-term evaluation, 100k terms (target p99 < 1 ms)', times)}`);

  const long = generatedPasswords(2000, terms).map((password) => password.repeat(8).slice(0, 128));
  const longTimes = long.map((password) => {
    const t0 = performance.now();
    evaluateBannedTerms(password, index);
    return performance.now() - t0;
  });
  console.log(`  ${summary('banned-term evaluation, 128-char passwords', longTimes)}`);

  preloadStrengthEstimator();
  const settings = { ...DEFAULT_PASSWORD_SETTINGS };
  const ctx = { username: 'aschmidt', displayName: 'Schmidt, Anna', firstName: 'Anna', lastName: 'Schmidt', organisation: 'Contoso' };
  for (const password of passwords.slice(0, 300)) evaluatePasswordSync(password, ctx, settings, { index });
  const fullTimes = passwords.slice(1000, 3000).map((password) => {
    const t0 = performance.now();
    evaluatePasswordSync(password, ctx, settings, { index });
    return performance.now() - t0;
  });
  console.log(`  ${summary('full evaluatePasswordSync incl. zxcvbn, 100k terms', fullTimes)}`);
}

export async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sspr-bench-password-'));
  try {
    console.log('# password policy');
    await benchBreachLookups(dir);
    await benchImport(dir);
    benchBannedTerms();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === LOOKUP_CHILD_FLAG) await runLookupsChild(process.argv[3] ?? '', process.argv[4] ?? '');
  else await main();
}
