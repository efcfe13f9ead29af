import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, migrate, type Store } from '../../src/store/database.js';
import { AuditRepository } from '../../src/store/audit-repository.js';
import { DeliveryQueueRepository } from '../../src/store/delivery-queue-repository.js';
import { createTestDatabase } from '../support/postgres.js';

/**
 * Several nodes on one store claim disjoint rows (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: serialised writes
 * and the lease columns), a lease that ran out is taken over, and a node that lost its lease cannot record.
 */
for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`delivery queue claims (${dialect})`, () => {
    let nodes: Store[];
    let cleanup: () => Promise<void>;
    before(async () => {
      if (dialect === 'postgres') {
        const database = await createTestDatabase();
        nodes = [openStore(database.url, '/nonexistent'), openStore(database.url, '/nonexistent'), openStore(database.url, '/nonexistent')];
        cleanup = database.drop;
      } else {
        const dir = mkdtempSync(join(tmpdir(), 'sspr-queue-'));
        nodes = [openStore(undefined, dir), openStore(undefined, dir), openStore(undefined, dir)];
        cleanup = async () => rmSync(dir, { recursive: true, force: true });
      }
      await migrate(nodes[0]!);
    });
    after(async () => {
      for (const node of nodes) await node?.close();
      await cleanup();
    });

    it('three nodes claiming at once share 300 rows without overlap', async () => {
      const audit = new AuditRepository(nodes[0]!.db);
      for (let i = 0; i < 150; i++) await audit.record(1000, { event: 'reset-start', outcome: 'success', username: `u${i}` }, ['a', 'b']);
      const claimed = nodes.map(() => [] as number[]);
      await Promise.all(nodes.map(async (node, n) => {
        const queue = new DeliveryQueueRepository(node.db, node.dialect);
        for (;;) {
          const rows = await queue.claim('audit', `node-${n}`, 2000, 60_000, 7, ['a', 'b']);
          if (rows.length === 0) return;
          claimed[n]!.push(...rows.map((r) => r.id));
        }
      }));
      const all = claimed.flat();
      assert.equal(all.length, 300, `claimed per node: ${claimed.map((c) => c.length).join(', ')}`);
      assert.equal(new Set(all).size, 300, 'no row claimed twice');
    });

    it('a lease that ran out is taken over, and the old holder can no longer record an outcome', async () => {
      const audit = new AuditRepository(nodes[0]!.db);
      const id = await audit.record(5000, { event: 'policy-change', outcome: 'success' }, ['c']);
      const first = new DeliveryQueueRepository(nodes[0]!.db, nodes[0]!.dialect);
      const second = new DeliveryQueueRepository(nodes[1]!.db, nodes[1]!.dialect);
      const [row] = await first.claim('audit', 'node-0', 5000, 1000, 10, ['c']);
      assert.equal(row?.eventId, id);
      assert.deepEqual(await second.claim('audit', 'node-1', 5500, 1000, 10, ['c']), [], 'leased');
      const [taken] = await second.claim('audit', 'node-1', 6001, 1000, 10, ['c']);
      assert.equal(taken?.id, row?.id, 'taken over after the lease');
      assert.equal(await first.delivered(row!, 'node-0', 6002), false, 'the old holder lost it');
      assert.equal(await second.delivered(taken!, 'node-1', 6002), true);
      assert.deepEqual(await first.claim('audit', 'node-0', 99_999, 1000, 10, ['c']), [], 'delivered rows are not claimed');
    });
  });
}
