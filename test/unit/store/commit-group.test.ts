import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from '../../support/test-store.js';
import type { Store } from '../../../src/store/database.js';
import { CommitGroup } from '../../../src/store/commit-group.js';
import { SessionsRepository } from '../../../src/store/sessions-repository.js';
import { UsersRepository } from '../../../src/store/users-repository.js';
import { FieldCipher } from '../../../src/crypto/field-cipher.js';
import { systemClock } from '../../../src/store/clock.js';
import { countStoreWrites } from '../../support/store-writes.js';

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`CommitGroup on ${dialect}: the write batches of one turn in one transaction`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let sessions: SessionsRepository;
    let group: CommitGroup;
    const ids = new Map<string, string>();
    const later = Date.now() + 60_000;

    before(async () => {
      ({ store, cleanup } = await openTestStore(dialect));
      sessions = new SessionsRepository(store.db);
      group = new CommitGroup(store.db);
      const users = new UsersRepository(store.db, systemClock, new FieldCipher({ currentKeyId: 'k0', keys: new Map([['k0', Buffer.alloc(32, 3)]]) }));
      for (const username of ['ann', 'bob', 'cat', 'dan']) ids.set(username, (await users.add({ username })).id);
    });
    after(async () => {
      await store?.close();
      await cleanup?.();
    });

    it('commits the batches committed in one turn once, each with its own steps', async () => {
      const { writes } = await countStoreWrites(async () => {
        const first = group.begin();
        const second = group.begin();
        void first.add((trx) => new SessionsRepository(trx).create('ann-1', ids.get('ann')!, 0, later));
        void second.add((trx) => new SessionsRepository(trx).create('bob-1', ids.get('bob')!, 0, later));
        await Promise.all([first.commit(), second.commit()]);
      });
      assert.equal(writes.commits, 1, writes.sql.join('\n'));
      assert.equal(await sessions.findUserId('ann-1', 0), ids.get('ann')!);
      assert.equal(await sessions.findUserId('bob-1', 0), ids.get('bob')!);
    });

    it('a batch whose step fails rolls back alone: the others of its turn commit', async () => {
      const failing = group.begin();
      const passing = group.begin();
      const written = failing.add((trx) => new SessionsRepository(trx).create('cat-1', ids.get('cat')!, 0, later));
      const failed = failing.add(async () => {
        throw new Error('injected');
      });
      const kept = passing.add((trx) => new SessionsRepository(trx).create('dan-1', ids.get('dan')!, 0, later));
      const [failure, success] = await Promise.allSettled([failing.commit(), passing.commit()]);
      assert.equal(failure.status, 'rejected');
      assert.match(String((failure as PromiseRejectedResult).reason), /injected/);
      assert.equal(success.status, 'fulfilled');
      await assert.rejects(written, /injected/);
      await assert.rejects(failed, /injected/);
      await kept;
      assert.equal(await sessions.findUserId('cat-1', 0), null, 'the failed batch wrote nothing');
      assert.equal(await sessions.findUserId('dan-1', 0), ids.get('dan')!);
    });
  });
}
