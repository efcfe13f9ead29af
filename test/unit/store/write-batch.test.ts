import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from '../../support/test-store.js';
import type { Store } from '../../../src/store/database.js';
import { WriteBatch } from '../../../src/store/write-batch.js';
import { SessionsRepository } from '../../../src/store/sessions-repository.js';
import { AuditRepository } from '../../../src/store/audit-repository.js';
import { Audit } from '../../../src/audit/audit.js';
import { UsersRepository } from '../../../src/store/users-repository.js';
import { FieldCipher } from '../../../src/crypto/field-cipher.js';
import { createLogger } from '../../../src/app/logger.js';
import { systemClock } from '../../../src/store/clock.js';
import { countStoreWrites } from '../../support/store-writes.js';

describe('WriteBatch: the writes of one use-case in one transaction', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let sessions: SessionsRepository;
  let auditLog: AuditRepository;
  let audit: Audit;
  const ids = new Map<string, string>();

  before(async () => {
    ({ store, cleanup } = await openTestStore('sqlite'));
    sessions = new SessionsRepository(store.db);
    auditLog = new AuditRepository(store.db);
    audit = new Audit(auditLog, systemClock, createLogger('silent'));
    const users = new UsersRepository(store.db, systemClock, new FieldCipher({ currentKeyId: 'k0', keys: new Map([['k0', Buffer.alloc(32, 3)]]) }));
    for (const username of ['ann', 'bob']) ids.set(username, (await users.add({ username })).id);
  });
  after(async () => {
    await store?.close();
    await cleanup?.();
  });

  it('commits every step once, with the audit events recorded before it that were not written yet', async () => {
    await sessions.create('s1', ids.get('ann')!, 0, Date.now() + 60_000);
    await sessions.create('s2', ids.get('ann')!, 0, Date.now() + 60_000);
    const { writes } = await countStoreWrites(async () => {
      const earlier = audit.record({ event: 'writeback.change.success', outcome: 'success', userId: ids.get('ann')!, username: 'ann' });
      const batch = new WriteBatch(store.db);
      await sessions.deleteForUser(ids.get('ann')!, 's1', batch);
      const own = audit.record({ event: 'change-password', outcome: 'success', userId: ids.get('ann')!, username: 'ann' }, batch);
      await batch.commit();
      await Promise.all([earlier, own]);
    });
    assert.equal(writes.commits, 1, writes.sql.join('\n'));
    assert.equal(await sessions.findUserId('s2', 0), null);
    assert.equal(await sessions.findUserId('s1', 0), ids.get('ann')!);
    assert.deepEqual((await auditLog.list({ username: 'ann' })).map((e) => e.event), ['writeback.change.success', 'change-password']);
  });

  it('a rollback writes none of its steps, drops its own events and hands the earlier ones back', async () => {
    await sessions.create('s3', ids.get('bob')!, 0, Date.now() + 60_000);
    const earlier = audit.record({ event: 'writeback.change.success', outcome: 'success', userId: ids.get('bob')!, username: 'bob' });
    const batch = new WriteBatch(store.db);
    await sessions.deleteForUser(ids.get('bob')!, null, batch);
    const own = audit.record({ event: 'change-password', outcome: 'success', userId: ids.get('bob')!, username: 'bob' }, batch);
    const failing = batch.add(async () => {
      throw new Error('injected');
    });
    await assert.rejects(batch.commit(), /injected/);
    await assert.rejects(failing, /injected/);
    await Promise.all([earlier, own]);
    await audit.drain();
    assert.equal(await sessions.findUserId('s3', 0), ids.get('bob')!, 'the session stays');
    assert.deepEqual((await auditLog.list({ username: 'bob' })).map((e) => e.event), ['writeback.change.success']);
  });

  it('a batch with no step opens no transaction', async () => {
    const { writes } = await countStoreWrites(() => new WriteBatch(store.db).commit());
    assert.equal(writes.statements, 0);
  });
});
