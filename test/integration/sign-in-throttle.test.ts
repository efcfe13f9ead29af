import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestService, type TestService } from '../support/test-service.js';
import { ManualClock } from '../support/manual-clock.js';
import { hashPassword } from '../../src/crypto/password-hash.js';

const MINUTE = 60_000;

/**
 * Sign-in guessing is limited per name and client, and per name over all clients, for the API and the page
 * alike; the blocks are short, say nothing about whether the name exists, and the owner's other clients keep
 * signing in while one client is blocked.
 */
describe('sign-in throttling', () => {
  let svc: TestService;
  const clock = new ManualClock();
  const signIn = (username: string, password: string, ip = '198.51.100.7') =>
    fetch(svc.baseUrl + '/api/v1/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify({ username, password }),
    }).then(async (r) => ({ status: r.status, code: ((await r.json()) as { error?: { code: string } }).error?.code }));

  before(async () => {
    svc = await startTestService({ dialect: 'sqlite', clock, env: { SSPR_TRUST_PROXY: 'true' } });
    for (const username of ['ops', 'mia', 'ned', 'pam']) await svc.services.users.add({ username, email: `${username}@example.org`, passwordHash: await hashPassword(`right password ${username}`) });
  });
  after(async () => svc.close());

  it('60 wrong passwords then the right one from one client: blocked after 5, and the right one is refused too', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await signIn('ops', `wrong ${i}`)).status);
    assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
    assert.ok(statuses.slice(5).every((s) => s === 429), 'every guess after the 5th is refused unseen');
    assert.deepEqual(await signIn('ops', 'right password ops'), { status: 429, code: 'sign-in-throttled' });
    assert.equal((await signIn('ops', 'right password ops', '203.0.113.9')).status, 200, 'the owner on another client still signs in');
    clock.advance(15 * MINUTE + 1);
    assert.equal((await signIn('ops', 'right password ops')).status, 200, 'the client block ends after 15 minutes');
  });

  it('guesses spread over many clients block the name for every client for 5 minutes only', async () => {
    for (let i = 0; i < 20; i++) assert.equal((await signIn('mia', `wrong ${i}`, `192.0.2.${i}`)).status, 401);
    assert.equal((await signIn('mia', 'right password mia', '203.0.113.50')).status, 429, 'the name is blocked everywhere');
    const audit = await svc.services.auditLog.list({ username: 'mia' });
    assert.ok(audit.some((r) => r.detail?.blockedUntil), 'the block is in the audit trail, for administrators');
    clock.advance(5 * MINUTE + 1);
    assert.equal((await signIn('mia', 'right password mia', '203.0.113.50')).status, 200, 'and free again 5 minutes later');
  });

  it('an unknown name is throttled exactly like a known one', async () => {
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 8; i++) {
      known.push((await signIn('ned', `wrong ${i}`, '198.51.100.99')).status);
      unknown.push((await signIn('nobody-here', `wrong ${i}`, '198.51.100.99')).status);
    }
    assert.deepEqual(known, unknown);
  });

  it('the page sign-in counts against the same limit as the API', async () => {
    const ip = '198.51.100.201';
    const page = await fetch(svc.baseUrl + '/signin', { headers: { 'x-forwarded-for': ip } });
    const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const formSignIn = (password: string) =>
      fetch(svc.baseUrl + '/signin', {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip, cookie },
        body: new URLSearchParams({ username: 'ned', password, _csrf: csrf }).toString(),
      }).then((r) => r.status);
    for (let i = 0; i < 3; i++) assert.equal(await formSignIn(`wrong ${i}`), 401);
    for (let i = 0; i < 2; i++) assert.equal((await signIn('ned', `wrong ${i}`, ip)).status, 401);
    assert.equal(await formSignIn('right password ned'), 429, 'the 6th try, on the page, is refused');
  });

  it('60 wrong current passwords on a password change, then the right one: refused like a sign-in', async () => {
    const ip = '198.51.100.77';
    const session = await fetch(svc.baseUrl + '/api/v1/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify({ username: 'pam', password: 'right password pam' }),
    });
    assert.equal(session.status, 200);
    const cookie = session.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const change = (currentPassword: string) =>
      fetch(svc.baseUrl + '/api/v1/me/password', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, cookie },
        body: JSON.stringify({ currentPassword, newPassword: 'a brand new passphrase 42' }),
      }).then(async (r) => ({ status: r.status, code: ((await r.json()) as { error?: { code: string } }).error?.code }));
    const codes: Array<string | undefined> = [];
    for (let i = 0; i < 60; i++) codes.push((await change(`wrong ${i}`)).code);
    assert.ok(codes.slice(0, 5).every((c) => c === 'writeback-wrong-old-password'));
    assert.ok(codes.slice(5).every((c) => c === 'sign-in-throttled'), 'every guess after the 5th is refused unseen');
    assert.deepEqual(await change('right password pam'), { status: 429, code: 'sign-in-throttled' });
    assert.equal((await signIn('pam', 'right password pam', ip)).status, 429, 'the guesses count for sign-in too');
  });
});
