import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kysely, sql } from 'kysely';
import { openTestStore } from '../../support/test-store.js';
import { ReadThreadDialect } from '../../../src/store/read-thread-dialect.js';
import type { Database } from '../../../src/store/schema.js';
import { warningsDuring } from '../../support/process-warnings.js';

/** A count that takes SQLite a while (a recursive sequence), to see whether the loop is free meanwhile. */
const slowCount = sql<{ n: number }>`with recursive c(x) as (select 1 union all select x + 1 from c where x < 2000000) select count(*) as n from c`;

describe('long reads on a SQLite store run in a worker thread (Store.reads)', () => {
  it('answers what the serving connection answers, committed rows and binary values included', async () => {
    const { store, cleanup } = await openTestStore('sqlite');
    try {
      await store.db.insertInto('settings').values({ key: 'k', value: '"v"', updated_at: 1 }).execute();
      const query = (db: Kysely<Database>) => db.selectFrom('settings').selectAll().where('key', '=', 'k').execute();
      assert.deepEqual(await query(store.reads), await query(store.db));
      const bytes = Buffer.from([0, 1, 254, 255]);
      const { rows } = await sql<{ b: Buffer }>`select ${bytes} as b`.execute(store.reads);
      assert.ok(Buffer.isBuffer(rows[0]?.b), 'a Buffer again');
      assert.deepEqual(rows[0]?.b, bytes);
    } finally {
      await store.close();
      await cleanup();
    }
  });

  it('leaves the event loop free while a long read runs', async () => {
    const { store, cleanup } = await openTestStore('sqlite');
    try {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      const { rows } = await slowCount.execute(store.reads);
      clearInterval(timer);
      assert.equal(Number(rows[0]?.n), 2_000_000);
      assert.ok(ticks > 0, 'timers ran while the count ran');
    } finally {
      await store.close();
      await cleanup();
    }
  });

  it("refuses writes and transactions, and passes a statement's own error on", async () => {
    const { store, cleanup } = await openTestStore('sqlite');
    try {
      await assert.rejects(store.reads.insertInto('settings').values({ key: 'k', value: '1', updated_at: 1 }).execute(), /only statements that return rows/);
      await assert.rejects(store.reads.transaction().execute(async () => undefined), /not transactions/);
      await assert.rejects(sql`select * from no_such_table`.execute(store.reads), /no such table/);
      assert.equal((await store.db.selectFrom('settings').selectAll().execute()).length, 0, 'nothing was written');
    } finally {
      await store.close();
      await cleanup();
    }
  });

  it('a worker that cannot start leaves the reads to the serving connection, with one warning', async () => {
    const { store, cleanup } = await openTestStore('sqlite');
    const file = store.location.replace(/^sqlite:/, '');
    const reads = new Kysely<Database>({ dialect: new ReadThreadDialect(file, store.db, { threadUrl: 'file:///nonexistent/read-thread.js' }) });
    try {
      await store.db.insertInto('settings').values({ key: 'k', value: '"v"', updated_at: 1 }).execute();
      const warnings = await warningsDuring('SSPR_SQLITE_READ_THREAD', async () => {
        for (let i = 0; i < 2; i++) assert.equal((await reads.selectFrom('settings').selectAll().execute()).length, 1);
      });
      assert.equal(warnings.length, 1, warnings.join(' | '));
      assert.match(warnings[0] as string, /long reads run on the serving thread: .*nonexistent/);
    } finally {
      await reads.destroy();
      await store.close();
      await cleanup();
    }
  });
});
