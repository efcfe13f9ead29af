/**
 * Audit event names cross modules: writers record them, readers (the doctor) look for them. The compiler holds
 * both to the catalogue; this test holds the catalogue to the writers — every event a reader looks for, and
 * every event in the catalogue, is recorded by some writer in src/.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { auditEventNames, isAuditEventName } from '../../../src/audit/audit-events.js';
import { doctorEventReads } from '../../../src/doctor/audit-reads.js';

const src = join(import.meta.dirname, '../../../src');
/** Files that name events without recording them: the catalogue and the readers. */
const notWriters = new Set(['audit/audit-events.ts', 'doctor/audit-reads.ts']);

function writerSources(): string[] {
  return readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !notWriters.has(relative(src, join(src, file))))
    .map((file) => readFileSync(join(src, file), 'utf8'));
}

/** Every catalogue name a writer spells out (writers name events literally, never by template). */
function writtenNames(): Set<string> {
  const names = new Set<string>();
  for (const source of writerSources()) {
    for (const [, name] of source.matchAll(/'([a-z][a-z-]*(?:\.[a-z-]+)*)'/g)) if (name && isAuditEventName(name)) names.add(name);
  }
  return names;
}

describe('audit event catalogue', () => {
  const names = writtenNames();
  const written = (name: string) => names.has(name);

  it('every event the doctor reads is recorded by some writer', () => {
    const read = [...new Set(Object.values(doctorEventReads).flat())];
    assert.ok(read.length >= 6);
    assert.deepEqual(read.filter((name) => !written(name)), []);
  });

  it('every event in the catalogue is recorded by some writer', () => {
    assert.deepEqual(auditEventNames.filter((name) => !written(name)), []);
  });

  it('writers name events literally and only from the catalogue', () => {
    const sources = writerSources();
    const unknown = sources.flatMap((source) => [...source.matchAll(/event: '([^']+)'/g)].map((m) => m[1] ?? '').filter((name) => !isAuditEventName(name)));
    assert.deepEqual(unknown, []);
    assert.deepEqual(sources.flatMap((source) => [...source.matchAll(/event: `[^`]*`/g)].map((m) => m[0])), [], 'an event name built from a template cannot be checked');
  });
});
