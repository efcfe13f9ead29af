import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/store/database.js';
import { JobsRepository, type JobRow } from '../../src/writeback/agent-gateway/jobs-repository.js';
import { openTestStore } from '../support/test-store.js';

/**
 * The compare-and-set rules that make a writeback job apply at most once, on SQLite and PostgreSQL: one claimer
 * wins, only the holding agent can lose or finish a job, a decided job stays decided, envelopes are erased
 * with the decision, and housekeeping ends orphaned jobs and deletes old ones.
 */
for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`writeback jobs (${dialect})`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let jobs: JobsRepository;
    const now = 1_800_000_000_000;
    const job = (id: string, state: JobRow['state'] = 'pending', agentId: string | null = null) => ({
      id, userId: 'u1', username: 'lena', operation: 'reset', directory: 'ldap', origin: 'reset',
      envelopes: { 'agent-a': '{"v":2}', 'agent-b': '{"v":2}' }, features: [] as string[], state, agentId, nodeId: 'node-1', createdAt: now, deadlineAt: now + 10_000,
    });

    before(async () => {
      ({ store, cleanup } = await openTestStore(dialect));
      jobs = new JobsRepository(store.db);
    });
    after(async () => {
      await store?.close();
      await cleanup();
    });

    it('exactly one of several nodes claims a pending job', async () => {
      await jobs.insert(job('claim-1'));
      assert.deepEqual((await jobs.pendingFor(['ldap'], now)).map((j) => j.id), ['claim-1']);
      const wins = await Promise.all(['agent-a', 'agent-b', 'agent-a', 'agent-b'].map((agent, i) => jobs.claim('claim-1', agent, `node-${i}`, now)));
      assert.equal(wins.filter(Boolean).length, 1);
      assert.deepEqual(await jobs.pendingFor(['ldap'], now), []);
    });

    it('only the holding agent can lose or finish a job; a decided job stays decided, envelopes erased', async () => {
      await jobs.insert(job('hold-1', 'dispatched', 'agent-a'));
      assert.equal(await jobs.markLost('hold-1', 'agent-b'), false);
      assert.equal(await jobs.finish('hold-1', ['dispatched', 'lost'], { state: 'succeeded', agentId: 'agent-b' }, now), false);
      assert.equal(await jobs.markLost('hold-1', 'agent-a'), true);
      assert.equal((await jobs.openForAgent('agent-a')).find((j) => j.id === 'hold-1')?.state, 'lost');
      assert.equal(await jobs.redispatch('hold-1', 'agent-b', 'node-2', '{"v":2,"new":1}', now), true);
      assert.equal(await jobs.finish('hold-1', ['dispatched', 'lost'], { state: 'failed', reason: 'in-history', raw: 'x'.repeat(900), agentId: 'agent-b' }, now + 5), true);
      assert.equal(await jobs.finish('hold-1', ['dispatched', 'lost'], { state: 'succeeded' }, now + 6), false, 'a late answer changes nothing');
      const ended = await jobs.find('hold-1');
      assert.equal(ended?.state, 'failed');
      assert.equal(ended?.reason, 'in-history');
      assert.equal(ended?.raw?.length, 500);
      assert.equal(ended?.envelopes, null);
      assert.equal(ended?.finishedAt, now + 5);
    });

    it('housekeeping ends orphaned open jobs (erasing envelopes) and deletes old ended ones', async () => {
      await jobs.insert(job('orphan-1', 'dispatched', 'agent-a'));
      assert.equal(await jobs.expireOverdue(now + 10_000 + 59_000), 0, 'not yet a minute past its deadline');
      assert.ok((await jobs.expireOverdue(now + 10_000 + 61_000)) >= 1);
      const orphan = await jobs.find('orphan-1');
      assert.equal(orphan?.state, 'failed');
      assert.equal(orphan?.reason, 'deadline');
      assert.equal(orphan?.envelopes, null);
      assert.ok((await jobs.purgeEnded(now + 10_000 + 62_000)) >= 2);
      assert.equal(await jobs.find('orphan-1'), null);
      assert.equal(await jobs.find('hold-1'), null);
    });
  });
}
