/**
 * Sign-in throttle blocks are linked to the account holding the typed name: the user page shows a block that holds
 * off one client (not only the name's block for every client), the reset-block count leaves it out, and lifting
 * the blocks from the console lifts it too — the owner signs in again from that client.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestService, type TestService } from '../support/test-service.js';
import { postJson } from '../support/json-client.js';
import { hashPassword } from '../../src/crypto/password-hash.js';
import { signInLimits } from '../../src/session/sign-in-throttle.js';

describe('console: sign-in blocks on the user page', () => {
  let svc: TestService;
  let token: string;
  const signIn = (password: string) => postJson(svc.baseUrl, '/api/v1/session', { username: 'carl', password });
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(svc.baseUrl + path, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  };

  before(async () => {
    svc = await startTestService({ dialect: 'sqlite', env: { SSPR_LOG_LEVEL: 'silent' } });
    await svc.services.users.add({ username: 'carl', email: 'carl@example.org', passwordHash: await hashPassword('carl right passphrase 1') });
    token = (await svc.services.adminTokens.create('blocks', { scope: 'helpdesk' })).token;
  });
  after(() => svc?.close());

  it("one client's block shows on the account, is not a reset block, and the console's unblock lifts it", async () => {
    for (let i = 0; i < signInLimits.perClient; i++) await signIn(`wrong guess ${i}`);
    const refused = await signIn('carl right passphrase 1');
    assert.equal(refused.status, 429, 'this client is held off the name');
    const shown = await api('GET', '/api/v1/admin/users/carl');
    assert.equal(shown.status, 200);
    assert.equal(typeof shown.body.blocks.signIn, 'number', 'the block shows on the account');
    assert.equal(shown.body.blocks.reset, null);
    assert.equal(await svc.services.store.db.selectFrom('throttle_blocks').select('user_id').where('reason', '=', 'sign-in-failures').executeTakeFirst().then((r) => r?.user_id), (await svc.services.users.get('carl')).id);
    const report = await svc.services.doctor.diagnoseService('en');
    assert.equal(report.summary?.checks.find((c) => c.id === 'throttled')?.failing ?? 0, 0, 'a sign-in block does not stop a reset');

    const lifted = await api('POST', '/api/v1/admin/users/carl/unblock', {});
    assert.equal(lifted.status, 200, JSON.stringify(lifted.body));
    assert.deepEqual(lifted.body, { resetBlock: false, signInBlock: true });
    assert.equal((await signIn('carl right passphrase 1')).status, 200, 'the owner signs in again from that client');
    assert.equal((await api('GET', '/api/v1/admin/users/carl')).body.blocks.signIn, null);
  });
});
