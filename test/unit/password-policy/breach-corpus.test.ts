import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BreachCorpus, importBreachCorpus, type ImportProgress } from '../../../src/password-policy/breach-corpus.js';
import { sha1HexOfPassword } from '../../../src/password-policy/breach-checker.js';
import { DATA_OFFSET, RECORD_BYTES } from '../../../src/password-policy/breach-format.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sspr-breach-test-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const breachedPasswords = ['password', '123456', 'P@ssw0rd', 'Sommer2024!', 'grüße', '🔐secret', 'hunter2'];

function hibpLine(hash: string, count = 42): string {
  return `${hash}:${count}`;
}

function randomHashes(count: number): string[] {
  return Array.from({ length: count }, () => randomBytes(20).toString('hex').toUpperCase());
}

async function importLines(name: string, lines: readonly string[], eol = '\n', runRecords?: number) {
  const source = join(dir, `${name}.txt`);
  const corpus = join(dir, `${name}.corpus`);
  await writeFile(source, lines.join(eol) + eol);
  const options = runRecords === undefined ? {} : { runRecords, readChunkBytes: 4096 };
  const result = await importBreachCorpus(source, corpus, undefined, options);
  return { source, corpus, result };
}

describe('hashing convention', () => {
  it('is the upper-case SHA-1 of the UTF-8 bytes, like HIBP', () => {
    assert.equal(sha1HexOfPassword('password'), '5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8');
    assert.equal(sha1HexOfPassword('grüße'), createHash('sha1').update(Buffer.from('grüße', 'utf8')).digest('hex').toUpperCase());
  });
});

describe('importBreachCorpus + BreachCorpus', () => {
  it('imports sorted HIBP lines and finds exactly the breached passwords', async () => {
    const hashes = [...breachedPasswords.map(sha1HexOfPassword), ...randomHashes(5000)].sort();
    const { corpus, result } = await importLines('sorted', hashes.map((hash) => hibpLine(hash)));
    assert.equal(result.sortedInput, true);
    assert.equal(result.runs, 0);
    assert.equal(result.records, hashes.length);
    assert.equal(result.malformed, 0);
    assert.equal((await stat(corpus)).size, DATA_OFFSET + hashes.length * RECORD_BYTES);

    const breach = await BreachCorpus.open(corpus);
    try {
      assert.equal(breach.size, hashes.length);
      for (const password of breachedPasswords) assert.equal(await breach.has(password), true, password);
      for (const password of ['correct horse battery staple', 'Password', 'hunter3', '']) {
        assert.equal(await breach.has(password), false, password);
      }
      for (const hash of hashes.slice(0, 300)) assert.equal(await breach.hasSha1(hash), true);
      for (const hash of randomHashes(300)) assert.equal(await breach.hasSha1(hash), false);
    } finally {
      await breach.close();
    }
  });

  it('handles unsorted input, CRLF, lower-case hex and duplicates via the external merge sort', async () => {
    const hashes = [...breachedPasswords.map(sha1HexOfPassword), ...randomHashes(3000)];
    const shuffled = [...hashes, ...hashes.slice(0, 100)]
      .map((hash, i) => ({ hash: i % 2 === 0 ? hash.toLowerCase() : hash, key: Math.random() }))
      .sort((a, b) => a.key - b.key)
      .map(({ hash }) => hibpLine(hash, 7));
    // Make sure it does not start sorted for long, then force several small runs.
    const { corpus, result } = await importLines('unsorted', shuffled, '\r\n', 500);
    assert.equal(result.sortedInput, false);
    assert.ok(result.runs >= 6, `runs: ${result.runs}`);
    assert.equal(result.records, hashes.length);
    assert.equal(result.duplicates, 100);

    const breach = await BreachCorpus.open(corpus);
    try {
      for (const password of breachedPasswords) assert.equal(await breach.has(password), true, password);
      for (const hash of hashes) assert.equal(await breach.hasSha1(hash), true, hash);
      for (const hash of randomHashes(500)) assert.equal(await breach.hasSha1(hash), false);
    } finally {
      await breach.close();
    }
    // Records are strictly ascending.
    const bytes = await readFile(corpus);
    const sortedSeen = [...hashes].map((hash) => hash.slice(0, 20)).sort();
    assert.equal(bytes.length, DATA_OFFSET + sortedSeen.length * RECORD_BYTES);
    assert.equal(
      bytes.subarray(DATA_OFFSET, DATA_OFFSET + RECORD_BYTES).toString('hex').toUpperCase(),
      (sortedSeen[0] ?? '').slice(4, 20),
    );
  });

  it('merges correctly when input is sorted at first and goes out of order later', async () => {
    const hashes = randomHashes(2000).sort();
    const lines = [...hashes.slice(0, 1500), ...hashes.slice(1500).reverse()].map((hash) => hibpLine(hash));
    const { corpus, result } = await importLines('late-disorder', lines, '\n', 100);
    assert.equal(result.sortedInput, false);
    assert.equal(result.records, 2000);
    const breach = await BreachCorpus.open(corpus);
    try {
      for (const hash of hashes) assert.equal(await breach.hasSha1(hash), true);
    } finally {
      await breach.close();
    }
  });

  it('skips and counts a few malformed lines, empty lines and zero counts; reports line numbers', async () => {
    const good = randomHashes(400).sort();
    const lines = [...good.map((hash) => hibpLine(hash))];
    lines.splice(10, 0, 'not a hash line');
    lines.splice(20, 0, '');
    lines.splice(30, 0, `${'G'.repeat(40)}:1`);
    lines.splice(40, 0, `${randomHashes(1)[0] ?? ''}:0`);
    const { result } = await importLines('few-malformed', lines);
    assert.equal(result.malformed, 2);
    assert.deepEqual(result.malformedLineNumbers, [11, 31]);
    assert.equal(result.zeroCount, 1);
    assert.equal(result.records, 400);
  });

  it('fails with line numbers when more than 1% of lines are malformed', async () => {
    const lines = randomHashes(100).map((hash, i) => (i % 10 === 3 ? hash.slice(0, 32) + ':5' : hibpLine(hash)));
    await assert.rejects(importLines('many-malformed', lines), (error: Error) => {
      assert.match(error.message, /10 of 100 lines/);
      assert.match(error.message, /first at line 4, 14, 24/);
      return true;
    });
    // No temporary files are left behind.
    const leftovers = (await readdir(dir)).filter((name) => name.startsWith('.sspr-breach-import-'));
    assert.deepEqual(leftovers, []);
  });

  it('rejects a file without any records', async () => {
    await assert.rejects(importLines('empty', ['']), /no "SHA1HEX:count" lines/);
  });

  it('accepts a last line without a line end and reports progress', async () => {
    const hashes = randomHashes(50).sort();
    const source = join(dir, 'no-eol.txt');
    await writeFile(source, hashes.map((hash) => hibpLine(hash)).join('\n'));
    const progress: ImportProgress[] = [];
    const result = await importBreachCorpus(source, join(dir, 'no-eol.corpus'), (p) => progress.push(p));
    assert.equal(result.records, 50);
    assert.equal(progress.at(-1)?.phase, 'done');
  });

  it('refuses files that are not corpus files, or are truncated', async () => {
    const bogus = join(dir, 'bogus.corpus');
    await writeFile(bogus, 'hello');
    await assert.rejects(BreachCorpus.open(bogus), /not a breach corpus/);
    const { corpus } = await importLines('to-truncate', randomHashes(10).map((hash) => hibpLine(hash)));
    const bytes = await readFile(corpus);
    await writeFile(corpus, bytes.subarray(0, bytes.length - 3));
    await assert.rejects(BreachCorpus.open(corpus), /truncated/);
  });

  it('looks up large buckets through interpolated windows', async () => {
    // 40,000 hashes all in bucket 0x0000 → far more than one 512-record window.
    const hashes = Array.from({ length: 40_000 }, () => `0000${randomBytes(18).toString('hex').toUpperCase()}`).sort();
    const { corpus } = await importLines('big-bucket', hashes.map((hash) => hibpLine(hash)));
    const breach = await BreachCorpus.open(corpus);
    try {
      for (let i = 0; i < hashes.length; i += 97) assert.equal(await breach.hasSha1(hashes[i] ?? ''), true);
      assert.equal(await breach.hasSha1(hashes[0] ?? ''), true);
      assert.equal(await breach.hasSha1(hashes.at(-1) ?? ''), true);
      for (let i = 0; i < 300; i++) {
        assert.equal(await breach.hasSha1(`0000${randomBytes(18).toString('hex')}`), false);
      }
      assert.equal(await breach.hasSha1(`0000${'0'.repeat(36)}`), false);
      assert.equal(await breach.hasSha1(`0000${'F'.repeat(36)}`), false);
    } finally {
      await breach.close();
    }
  });
});
