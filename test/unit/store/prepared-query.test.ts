import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, migrate, type Store } from '../../../src/store/database.js';
import { PreparedQuery } from '../../../src/store/prepared-query.js';
import { AuditRepository } from '../../../src/store/audit-repository.js';
import { Audit } from '../../../src/audit/audit.js';
import { createLogger } from '../../../src/app/logger.js';

describe('PreparedQuery: compiled once, run with new values', () => {
  let store: Store;
  before(async () => {
    store = openStore('sqlite::memory:', '/tmp');
    await migrate(store);
  });
  after(() => store.close());

  it('puts each value in its slot, on the database and inside a transaction', async () => {
    const insert = new PreparedQuery((db, $) => db.insertInto('settings').values({ key: $<string>(0), value: $<string>(1), updated_at: $<number>(2) }));
    const read = new PreparedQuery((db, $) => db.selectFrom('settings').select(['key', 'value']).where('key', '=', $<string>(0)).where('updated_at', '>', $<number>(1)));
    await insert.execute(store.db, 'a', 'first', 10);
    await store.db.transaction().execute((trx) => insert.executeIn(trx, store.db, ['b', 'second', 20]));
    assert.deepEqual(await read.first(store.db, 'a', 5), { key: 'a', value: 'first' });
    assert.deepEqual(await read.first(store.db, 'b', 5), { key: 'b', value: 'second' });
    assert.equal(await read.first(store.db, 'b', 20), undefined, 'the second value (updated_at > 20) is its own slot');
  });

  it('keeps literal parameters and slots used out of argument order in their places', async () => {
    const insert = new PreparedQuery((db, $) => db.insertInto('settings').values({ key: $<string>(1), value: 'literal', updated_at: $<number>(0) }));
    await insert.execute(store.db, 30, 'c');
    const row = await store.db.selectFrom('settings').select(['value', 'updated_at']).where('key', '=', 'c').executeTakeFirst();
    assert.deepEqual(row, { value: 'literal', updated_at: 30 });
  });
});

describe('Audit: the events of one turn are written together, in order', () => {
  let store: Store;
  before(async () => {
    store = openStore('sqlite::memory:', '/tmp');
    await migrate(store);
  });
  after(() => store.close());

  it('stores an awaited event, keeps the order of a turn, writes a turn in one batch and tells listeners the ids', async () => {
    const repository = new AuditRepository(store.db);
    const batches: number[] = [];
    const recordMany = repository.recordMany.bind(repository);
    repository.recordMany = (events, sinks) => {
      batches.push(events.length);
      return recordMany(events, sinks);
    };
    const audit = new Audit(repository, { now: () => 1000 }, createLogger('silent'));
    const told: Array<[string, number]> = [];
    audit.onRecord((entry, id) => told.push([entry.event, id]));
    await audit.record({ event: 'sign-in', outcome: 'success', username: 'alice' });
    assert.deepEqual((await repository.list({ username: 'alice' })).map((e) => e.event), ['sign-in'], 'stored once awaited');
    await Promise.all([
      audit.record({ event: 'writeback.change.success', outcome: 'success', username: 'alice' }),
      audit.record({ event: 'change-password', outcome: 'success', username: 'alice' }),
      audit.record({ event: 'not-me-link-sent', outcome: 'info', username: 'alice' }),
    ]);
    const events = await repository.list({ username: 'alice' });
    assert.deepEqual(events.map((e) => e.event), ['sign-in', 'writeback.change.success', 'change-password', 'not-me-link-sent']);
    assert.deepEqual(batches, [1, 3]);
    assert.deepEqual(told, events.map((e) => [e.event, e.id]));
    void audit.record({ event: 'change-password', outcome: 'failure', username: 'alice' });
    await audit.drain();
    assert.equal((await repository.list({ username: 'alice' })).at(-1)?.outcome, 'failure', 'drain waits for an event nobody awaited');
  });

  it('batches commit one after another: an event awaited later finds every earlier one stored, however slow a batch is', async () => {
    const repository = new AuditRepository(store.db);
    const recordMany = repository.recordMany.bind(repository);
    let calls = 0;
    // The first batch takes long to commit (a slow pooled connection); later ones are quick.
    repository.recordMany = async (events, sinks) => {
      if (calls++ === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      return recordMany(events, sinks);
    };
    const audit = new Audit(repository, { now: () => 2000 }, createLogger('silent'));
    void audit.record({ event: 'writeback.reset.success', outcome: 'success', username: 'bert' });
    await new Promise((resolve) => setImmediate(resolve));
    await audit.record({ event: 'reset-password', outcome: 'success', username: 'bert' });
    assert.deepEqual((await repository.list({ username: 'bert' })).map((e) => e.event), ['writeback.reset.success', 'reset-password']);
  });
});
