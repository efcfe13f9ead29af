import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { openTestStore } from '../support/test-store.js';
import type { Store } from '../../src/store/database.js';
import { FlowsRepository } from '../../src/store/flows-repository.js';
import type { MethodType } from '../../src/methods/index.js';
import type { MethodHint } from '../../src/methods/hints.js';
import { SessionsRepository } from '../../src/store/sessions-repository.js';
import { ChallengesRepository } from '../../src/store/challenges-repository.js';
import { ThrottleRepository } from '../../src/store/throttle-repository.js';
import { RateLimitRepository } from '../../src/store/rate-limit-repository.js';
import { AuditRepository } from '../../src/store/audit-repository.js';
import { Audit } from '../../src/audit/audit.js';
import { housekeep, THROTTLE_HORIZON_MS } from '../../src/app/housekeeping.js';
import { FieldCipher } from '../../src/crypto/field-cipher.js';
import { ManualClock } from '../support/manual-clock.js';

const HOUR = 3_600_000;

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`housekeeping and personal data at rest (${dialect})`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    const clock = new ManualClock();
    let throttles: ThrottleRepository;
    let rateLimits: RateLimitRepository;
    let flows: FlowsRepository<MethodType, MethodHint>;
    before(async () => {
      ({ store, cleanup } = await openTestStore(dialect));
      throttles = new ThrottleRepository(store.db, Buffer.alloc(32, 1));
      rateLimits = new RateLimitRepository(store.db);
      flows = new FlowsRepository<MethodType, MethodHint>(store.db);
    });
    after(async () => {
      await store?.close();
      await cleanup();
    });

    const pass = () =>
      housekeep({ flows, sessions: new SessionsRepository(store.db), challenges: new ChallengesRepository(store.db, new FieldCipher({ currentKeyId: 'k0', keys: new Map([['k0', Buffer.alloc(32, 2)]]) })), throttles, rateLimits }, clock.now());

    it('throttle events past the longest window and ended blocks are purged; live ones stay', async () => {
      const now = clock.now();
      await throttles.record('user:old:failed-proof', now - THROTTLE_HORIZON_MS - 1);
      await throttles.record('user:new:failed-proof', now - HOUR);
      await throttles.block('user:old:block', now - 1, 'failed-proofs');
      await throttles.block('user:new:block', now + HOUR, 'failed-proofs');
      await pass();
      assert.equal(await throttles.countSince('user:old:failed-proof', 0), 0);
      assert.equal(await throttles.countSince('user:new:failed-proof', 0), 1);
      assert.equal((await store.db.selectFrom('throttle_blocks').selectAll().execute()).length, 1);
    });

    it('codes of purged flows go with them, whatever their own expiry', async () => {
      const now = clock.now();
      await flows.create({ digest: 'flow-gone', userId: null, username: 'x', methods: [], required: 1, expiresAt: now - 1 }, now - HOUR);
      await flows.create({ digest: 'flow-live', userId: null, username: 'y', methods: [], required: 1, expiresAt: now + HOUR }, now);
      for (const flow of ['flow-gone', 'flow-live']) {
        await store.db.insertInto('reset_codes').values({ flow_digest: flow, method_id: 'm', code_hash: 'h', attempts: 0, expires_at: now + HOUR, created_at: now }).execute();
      }
      await pass();
      const left = await store.db.selectFrom('reset_codes').select('flow_digest').execute();
      assert.deepEqual(left.map((r) => r.flow_digest), ['flow-live']);
    });

    it('rate-limit windows older than the longest budget (the hourly no-script captcha budget) are purged', async () => {
      await rateLimits.hit('ip:192.0.2.1', clock.now() - 71 * 60_000);
      await rateLimits.hit('ip:192.0.2.1', clock.now());
      await pass();
      assert.equal((await store.db.selectFrom('rate_limit_windows').selectAll().execute()).length, 1);
    });

    it('an e-mail address typed as a user name reaches neither throttle scopes nor the audit trail in clear', async () => {
      await throttles.record('user:mallory@example.net:failed-proof', clock.now());
      await throttles.block('user:mallory@example.net:block', clock.now() + HOUR, 'failed-proofs');
      const audit = new Audit(new AuditRepository(store.db), clock, pino({ level: 'silent' }));
      await audit.record({ event: 'sign-in', outcome: 'failure', username: 'mallory@example.net' });
      await audit.record({ event: 'sign-in', outcome: 'success', userId: 'u1', username: 'ann@example.net' });
      const scopes = [...(await store.db.selectFrom('throttle_events').select('scope').execute()), ...(await store.db.selectFrom('throttle_blocks').select('scope').execute())];
      assert.ok(scopes.every((r) => !r.scope.includes('@') && !r.scope.includes('mallory')), JSON.stringify(scopes));
      assert.equal(await throttles.countSince('user:mallory@example.net:failed-proof', 0), 1, 'still counted under the clear scope');
      const names = (await store.db.selectFrom('audit_events').select('username').orderBy('id').execute()).map((r) => r.username);
      assert.deepEqual(names, ['•••••@e•••••.net', 'ann@example.net'], 'an unmatched address is masked; a known account keeps its name');
    });
  });
}
