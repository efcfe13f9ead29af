import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactDictionaries, hashOf } from '../../../src/password-policy/compact-dictionaries.js';
import { readDictionaryFile, writeDictionaryFile } from '../../../src/password-policy/strength-dictionary-file.js';
import { loadStrengthDictionaries, writeStrengthDictionaryFile } from '../../../src/password-policy/strength-dictionaries.js';

const folder = () => mkdtempSync(join(tmpdir(), 'sspr-dictionary-file-'));

function ranksOf(compact: CompactDictionaries, word: string): Array<number | undefined> {
  const id = compact.find(hashOf(word), word, 0, word.length);
  return compact.names.map((_name, d) => (id < 0 ? undefined : compact.rankIn(id, d)));
}

test('a dictionary file answers the parts and graphs it was written with, and nothing under another stamp', () => {
  const dir = folder();
  try {
    const built = new CompactDictionaries([
      ['common', ['password', 'summer', 'さくら', 'müller', 'password']],
      ['names', ['alice', 'summer']],
    ]);
    const graphs = { qwerty: { a: ['q', 'w'] } };
    const path = join(dir, 'dictionaries.bin');
    writeDictionaryFile(path, 'stamp 1', { parts: built.parts(), graphs });
    const read = readDictionaryFile<typeof graphs>(path, 'stamp 1');
    assert.ok(read);
    assert.deepEqual(read.graphs, graphs);
    assert.deepEqual(read.parts, built.parts());
    const again = new CompactDictionaries(read.parts);
    for (const word of ['password', 'summer', 'さくら', 'müller', 'alice', 'absent']) assert.deepEqual(ranksOf(again, word), ranksOf(built, word), word);
    assert.equal(readDictionaryFile(path, 'stamp 2'), null);
    assert.equal(readDictionaryFile(join(dir, 'missing.bin'), 'stamp 1'), null);
    writeFileSync(path, 'not a dictionary file');
    assert.equal(readDictionaryFile(path, 'stamp 1'), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the service’s dictionaries read from the build’s file equal the ones built from the packages', () => {
  const dir = folder();
  try {
    const path = join(dir, 'strength-dictionaries.bin');
    const built = loadStrengthDictionaries(path);
    writeStrengthDictionaryFile(path);
    const read = loadStrengthDictionaries(path);
    assert.deepEqual(read.compact.parts(), built.compact.parts());
    assert.deepEqual(read.graphs, built.graphs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
