/**
 * The scheduled sync of `sspr serve` (src/sync/sync-schedule.ts) against a real slapd and a SQLite store: a user
 * added to the directory appears after the next run; a failing run is logged and audited and the schedule goes
 * on; stop() ends it. The interval is given in milliseconds (the constructor's unit), not through the config.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../src/store/database.js';
import { openTestStore } from '../../support/test-store.js';
import { UsersRepository } from '../../../src/store/users-repository.js';
import { AuditRepository } from '../../../src/store/audit-repository.js';
import { Audit } from '../../../src/audit/audit.js';
import { createLogger } from '../../../src/app/logger.js';
import { FieldCipher } from '../../../src/crypto/field-cipher.js';
import { syncDirectory } from '../../../src/sync/directory-sync.js';
import { directorySectionSchema } from '../../../src/directory/registry.js';
import { SyncSchedule, type ScheduledSync } from '../../../src/sync/sync-schedule.js';
import { systemClock } from '../../../src/store/clock.js';
import { startSlapd, type Slapd } from '../../support/slapd.js';

const INTERVAL_MS = 150;
const cipher = new FieldCipher({ currentKeyId: 'k0', keys: new Map([['k0', Buffer.alloc(32, 3)]]) });
const log = createLogger('silent');

let slapd: Slapd;
let store: Store;
let cleanup: (() => Promise<void>) | undefined;
let users: UsersRepository;
let auditLog: AuditRepository;

before(async () => {
  slapd = await startSlapd();
  ({ store, cleanup } = await openTestStore('sqlite'));
  users = new UsersRepository(store.db, systemClock, cipher);
  auditLog = new AuditRepository(store.db);
  await slapd.addUser({ uid: 'ann', password: 'Initial-Pass1!', mail: 'ann@example.org' });
});
after(async () => {
  await store?.close();
  await cleanup?.();
  await slapd?.stop();
});

const directory = () => directorySectionSchema.parse({
  kind: 'ldap',
  url: slapd.ldapsUrl,
  caFile: slapd.caFile,
  bindDn: slapd.serviceDn,
  bindPassword: slapd.servicePassword,
  baseDn: slapd.usersDn,
});

/** Polls until `check` holds or the deadline passes. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('scheduled sync', () => {
  test('runs at start, picks up a user added later on the next run, and stops cleanly', async () => {
    const run: ScheduledSync = (signal) => syncDirectory(directory(), store, cipher, systemClock, { signal });
    const schedule = new SyncSchedule({ intervalMs: INTERVAL_MS, run, log, audit: new Audit(auditLog, systemClock, log) });
    schedule.start();
    try {
      await eventually(async () => (await users.findByUsername('ann')) !== null, 'the start-up run');
      await slapd.addUser({ uid: 'bea', password: 'Initial-Pass1!', mail: 'bea@example.org' });
      await eventually(async () => (await users.findByUsername('bea')) !== null, 'a later run to import bea');
      assert.equal((await users.get('bea')).email, 'bea@example.org');
      // bea is visible once her page commits; the run that stored her completes a little later (groups, marker).
      await eventually(async () => schedule.completedRuns >= 2, 'the run that imported bea to complete');
    } finally {
      await schedule.stop();
    }
    const runs = schedule.completedRuns;
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 3));
    assert.equal(schedule.completedRuns, runs, 'no run after stop()');
    const events = (await auditLog.list()).filter((event) => event.event === 'directory-sync');
    assert.ok(events.length >= 2 && events.every((event) => event.outcome === 'success'));
    assert.equal(events[0]?.detail?.mode, 'full', 'the first run, without a marker, is full');
    assert.equal(events.at(-1)?.detail?.mode, 'incremental');
  });

  test('a failing run is logged and audited, never thrown, and the next run still happens; runs never overlap', async () => {
    let active = 0;
    let overlapped = false;
    let calls = 0;
    const run: ScheduledSync = async (signal) => {
      calls += 1;
      active += 1;
      overlapped ||= active > 1;
      try {
        await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 2));
        if (calls === 1) throw new Error('directory unreachable');
        return await syncDirectory(directory(), store, cipher, systemClock, { signal });
      } finally {
        active -= 1;
      }
    };
    const logged: string[] = [];
    const recordingLog = createLogger('error', { write: (line: string) => void logged.push(line) });
    const before = (await auditLog.list()).length;
    const schedule = new SyncSchedule({ intervalMs: 10, run, log: recordingLog, audit: new Audit(auditLog, systemClock, log) });
    schedule.start();
    try {
      await eventually(async () => schedule.completedRuns >= 3, 'three runs');
    } finally {
      await schedule.stop();
    }
    assert.equal(overlapped, false);
    const events = (await auditLog.list()).slice(before).filter((event) => event.event === 'directory-sync');
    assert.equal(events[0]?.outcome, 'failure');
    assert.equal(events[0]?.detail?.reason, 'sync-failed');
    assert.equal(events[1]?.outcome, 'success');
    assert.ok(logged.some((line) => line.includes('scheduled directory sync failed') && line.includes('directory unreachable')));
  });

  test('stop() aborts a run in flight: it settles promptly and writes no marker', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let aborted = false;
    const run: ScheduledSync = (signal) =>
      new Promise((_resolve, reject) => {
        started();
        signal.addEventListener('abort', () => ((aborted = true), reject(signal.reason)));
      });
    const schedule = new SyncSchedule({ intervalMs: INTERVAL_MS, run, log, audit: new Audit(auditLog, systemClock, log) });
    const before = (await auditLog.list()).length;
    schedule.start();
    await running;
    await schedule.stop();
    assert.equal(aborted, true);
    assert.deepEqual((await auditLog.list()).slice(before), [], 'a shutdown is not a failure');
  });
});
