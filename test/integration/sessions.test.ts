import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestService, type TestService } from '../support/test-service.js';
import { postJson } from '../support/json-client.js';
import { hashPassword } from '../../src/crypto/password-hash.js';
import { registerTotp, stepUpWithTotp } from '../support/console-step-up.js';

/** Sessions die with the account: disabled, deleted or demoted accounts lose them; a password change ends the others. */
describe('sessions follow the account', () => {
  let svc: TestService;
  const secrets = new Map<string, string>();

  before(async () => {
    svc = await startTestService({ dialect: 'sqlite' });
    for (const [username, isAdmin] of [['ops', true], ['ops2', true], ['ann', false], ['ben', false], ['cid', false]] as const) {
      await svc.services.users.add({ username, isAdmin, email: `${username}@example.org`, passwordHash: await hashPassword(`${username} old passphrase 1`) });
      if (isAdmin) secrets.set(username, await registerTotp(svc.services, username));
    }
  });
  after(async () => {
    await svc?.close();
  });

  async function signIn(username: string, password = `${username} old passphrase 1`): Promise<string> {
    const response = await postJson(svc.baseUrl, '/api/v1/session', { username, password });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
  }
  /** An administrator's console session: the password, then the authenticator app. */
  async function signInToConsole(username: string): Promise<string> {
    const cookie = await signIn(username);
    await stepUpWithTotp(svc.baseUrl, cookie, secrets.get(username)!, Date.now());
    return cookie;
  }
  const get = (path: string, cookie: string) => fetch(svc.baseUrl + path, { headers: { cookie }, redirect: 'manual' });
  const adminReset = (cookie: string, username: string, password: string) =>
    postJson(svc.baseUrl, `/api/v1/admin/users/${username}/password`, { password }, { headers: { cookie } });
  const disable = async (username: string) => svc.services.users.setEnabled((await svc.services.users.get(username)).id, false);

  it('a disabled user loses /api/v1/me and the account pages at once, and the session is ended', async () => {
    const cookie = await signIn('ann');
    assert.equal((await get('/api/v1/me', cookie)).status, 200);
    // The same store write a directory-side disable seen by the sync makes.
    await disable('ann');
    assert.equal((await get('/api/v1/me/methods', cookie)).status, 401, 'no security info');
    assert.equal((await get('/api/v1/me', cookie)).status, 401);
    assert.equal((await get('/account', cookie)).status, 303, 'the page sends the user to sign in');
    const ann = await svc.services.users.get('ann');
    await svc.services.users.setEnabled(ann.id, true);
    assert.equal((await get('/api/v1/me', cookie)).status, 401, 'the session was ended, not just refused');
  });

  it("a disabled administrator's session can no longer reset passwords or open the doctor", async () => {
    const cookie = await signInToConsole('ops');
    assert.equal((await get('/api/v1/admin/doctor', cookie)).status, 200);
    await disable('ops');
    const reset = await adminReset(cookie, 'ben', 'a brand new passphrase 2');
    assert.equal(reset.status, 401, JSON.stringify(reset.body));
    assert.equal((await get('/api/v1/admin/doctor', cookie)).status, 401);
    assert.equal((await get('/admin/doctor', cookie)).status, 303);
  });

  it('a demoted administrator is no longer one on the next request', async () => {
    const cookie = await signInToConsole('ops2');
    assert.equal((await get('/api/v1/admin/doctor', cookie)).status, 200);
    await svc.services.users.setFlags((await svc.services.users.get('ops2')).id, { isAdmin: false });
    const reset = await adminReset(cookie, 'ben', 'a brand new passphrase 3');
    assert.equal(reset.status, 403);
    assert.equal(reset.body.error.code, 'admin-only');
  });

  it("a password change ends the user's other sessions and keeps the one that made it", async () => {
    const here = await signIn('ben');
    const elsewhere = await signIn('ben');
    const changed = await postJson(svc.baseUrl, '/api/v1/me/password', { currentPassword: 'ben old passphrase 1', newPassword: 'a fresh passphrase 9 for me' }, { headers: { cookie: here } });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal((await get('/api/v1/me', here)).status, 200);
    assert.equal((await get('/api/v1/me', elsewhere)).status, 401);
    const trail = await svc.services.auditLog.list({ username: 'ben' });
    assert.ok(trail.some((e) => e.event === 'change-password' && e.outcome === 'success' && e.detail?.writtenBack === false));
  });

  it("a helpdesk reset ends the user's sessions and open reset flows", async () => {
    await svc.services.users.add({ username: 'helper', isAdmin: true, email: 'helper@example.org', passwordHash: await hashPassword('helper old passphrase 1') });
    secrets.set('helper', await registerTotp(svc.services, 'helper'));
    const admin = await signInToConsole('helper');
    const session = await signIn('cid');
    const flow = await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'cid' });
    assert.equal(flow.status, 200);
    const reset = await adminReset(admin, 'cid', 'a helpdesk passphrase 4');
    assert.equal(reset.status, 200, JSON.stringify(reset.body));
    assert.equal((await get('/api/v1/me', session)).status, 401);
    const send = await postJson(svc.baseUrl, `/api/v1/reset/${flow.body.flowId}/send`, { methodId: flow.body.methods[0].id });
    assert.equal(send.body.error?.code, 'flow-invalid');
    const trail = await svc.services.auditLog.list({ username: 'cid' });
    assert.ok(trail.some((e) => e.event === 'admin-reset-password' && e.detail?.by === 'user:helper' && e.detail?.path === 'admin-reset'));
  });
});
