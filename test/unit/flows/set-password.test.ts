import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SetPassword, followUpsByOrigin, type PasswordAct } from '../../../src/flows/password/set-password.js';
import type { DirectoryUser } from '../../../src/directory/directory.js';
import { SsprError } from '../../../src/errors/sspr-error.js';
import { MemoryFlows, fakeChecker, freezeOf, memoryParts, policyStore, userNamed } from './fakes.js';

const request = { lang: 'en' as const, ip: '192.0.2.7', userAgent: 'test' };

function harness(users: DirectoryUser[] = [], frozen = new Set<string>()) {
  const { clock, flows, sessions, throttleStore, throttles, recorder, guesses } = memoryParts();
  const writes: string[] = [];
  let refuseWrite: SsprError | null = null;
  const write = (what: string) => async () => {
    if (refuseWrite) throw refuseWrite;
    writes.push(what);
  };
  const setPassword = new SetPassword({
    directory: {
      resetPassword: async (user, _password, origin) => write(`${origin}:${user.username}`)(),
      changePassword: async (user) => write(`change:${user.username}`)(),
      unlock: async (user) => write(`unlock:${user.username}`)(),
      directoryPolicyFor: async () => null,
      isRecentPassword: async () => false,
    },
    local: { resetPassword: async (user) => write(`local:${user.username}`)() },
    passwords: fakeChecker,
    sessions,
    flows,
    throttles,
    guesses,
    policy: policyStore(),
    users: { list: async () => users },
    mail: recorder.mailSink,
    notices: recorder.noticeSink,
    freeze: freezeOf(frozen),
    audit: recorder.auditSink,
    clock,
    organisation: 'Example',
  });
  return { clock, flows, sessions, throttleStore, throttles, recorder, guesses, writes, setPassword, refuse: (error: SsprError | null) => (refuseWrite = error) };
}

async function verifiedFlow(flows: MemoryFlows, user: DirectoryUser, digest: string, now: number) {
  await flows.create({ digest, userId: user.id, username: user.username, methods: [], required: 1, expiresAt: now + 600_000 });
  await flows.markVerified(digest, [], true);
}

/** A user with one session and a verified flow "f1" claimed now. */
async function signedInWithClaimedFlow(username: string) {
  const user = userNamed(username);
  const h = harness();
  const now = h.clock.now();
  h.sessions.rows.set('s1', user.id);
  await verifiedFlow(h.flows, user, 'f1', now);
  return { user, h, now, claimedAt: (await h.flows.claim('f1', now, 60_000))! };
}

describe('SetPassword: one use-case, follow-ups from one table', () => {
  it('every origin has an audit event and its follow-ups; the self-service origins notify the owner, the helpdesk ones always do', () => {
    assert.deepEqual(Object.keys(followUpsByOrigin).sort(), ['admin-reset', 'change', 'cli', 'cli-local-only', 'helpdesk-reset', 'helpdesk-unlock', 'self-service-reset', 'unlock']);
    for (const [origin, rules] of Object.entries(followUpsByOrigin)) {
      assert.ok(rules.followUps.includes('end-other-flows'), `${origin} ends the other open flows`);
      if (!origin.endsWith('unlock')) assert.ok(rules.followUps.includes('end-sessions'), `${origin} ends sessions`);
      assert.equal(rules.followUps.includes('notify-user'), ['self-service-reset', 'unlock', 'change'].includes(origin));
      assert.equal(rules.selfService !== undefined, ['self-service-reset', 'unlock', 'change'].includes(origin));
      // What the helpdesk does for a caller is always told to the account's owner, whatever the policy.
      assert.equal(rules.followUps.includes('notify-user-of-helpdesk' as never), origin.startsWith('helpdesk-'));
    }
  });

  it('a self-service reset writes, ends sessions and other flows, clears throttles, completes the flow, audits and notifies', async () => {
    const admin = userNamed('ada', { isAdmin: true, source: 'ldap' });
    const other = userNamed('olaf', { isAdmin: true });
    const h = harness([admin, other]);
    const now = h.clock.now();
    h.sessions.rows.set('s1', admin.id);
    h.sessions.rows.set('s2', other.id);
    await verifiedFlow(h.flows, admin, 'f1', now);
    await h.flows.create({ digest: 'f2', userId: admin.id, username: 'ada', methods: [], required: 1, expiresAt: now + 600_000 });
    await h.throttles.failedProof('ada', await policyStore().current());
    const claimedAt = (await h.flows.claim('f1', now, 60_000))!;

    const result = await h.setPassword.run(admin, { origin: 'self-service-reset', password: 'Fine-Passphrase-1', flow: { digest: 'f1', claimedAt } }, { request, flowRef: 'f1' });

    assert.deepEqual(result, { writtenBack: true });
    assert.deepEqual(h.writes, ['reset:ada']);
    assert.deepEqual([...h.sessions.rows.keys()], ['s2'], "only the user's sessions end");
    assert.equal(h.flows.rows.has('f2'), false, 'the other open flow ended');
    assert.equal(h.flows.rows.get('f1')?.state, 'completed');
    assert.equal(h.throttleStore.events.length, 0, 'throttles cleared');
    const [event] = h.recorder.events('reset-password');
    assert.deepEqual(event?.detail, { path: 'self-service-reset', writtenBack: true });
    assert.deepEqual(h.recorder.mails.map((m) => m.tag.purpose).sort(), ['admin-reset-notice', 'notice-reset']);
  });

  it('a frozen account gets no self-service act: refused, audited, nothing written, the claim released', async () => {
    const user = userNamed('fred');
    const h = harness([], new Set([user.id]));
    const now = h.clock.now();
    await verifiedFlow(h.flows, user, 'f1', now);
    const claimedAt = (await h.flows.claim('f1', now, 60_000))!;
    for (const act of [
      { origin: 'self-service-reset', password: 'Fine-Passphrase-1', flow: { digest: 'f1', claimedAt } },
      { origin: 'unlock', flow: { digest: 'f1', claimedAt } },
      { origin: 'change', currentPassword: 'old', password: 'New-Passphrase-2', keepSession: 's' },
    ] as PasswordAct[]) {
      await assert.rejects(h.setPassword.run(user, act, { request }), (e: unknown) => e instanceof SsprError && e.code === 'account-frozen');
    }
    assert.deepEqual(h.writes, []);
    assert.equal(h.flows.rows.get('f1')?.state, 'verified', 'the claim is released');
    assert.equal(h.recorder.audit.filter((e) => (e.detail as { reason?: string } | undefined)?.reason === 'account-frozen').length, 3);
    await h.setPassword.run(user, { origin: 'admin-reset', password: 'Fine-Passphrase-1', by: 'ops' }, { request });
    assert.deepEqual(h.writes, ['admin-reset:fred'], 'an administrator may still set the password');
  });

  it('a change ends every other session of the user but keeps the one that made it', async () => {
    const user = userNamed('carl');
    const h = harness();
    for (const digest of ['mine', 'phone', 'laptop']) h.sessions.rows.set(digest, user.id);
    await h.setPassword.run(user, { origin: 'change', currentPassword: 'old', password: 'New-Passphrase-2', keepSession: 'mine' }, { request });
    assert.deepEqual([...h.sessions.rows.keys()], ['mine']);
    assert.deepEqual(h.writes, ['change:carl']);
    assert.equal(h.recorder.events('change-password')[0]?.detail?.writtenBack, false, 'a cloud-only account is not written back');
  });

  it('a change is a sign-in guess: wrong current passwords count, and once blocked even the right one is refused untried', async () => {
    const user = userNamed('cleo');
    const h = harness();
    const change = () => h.setPassword.run(user, { origin: 'change', currentPassword: 'guess', password: 'New-Passphrase-2', keepSession: 'mine' }, { request });
    h.refuse(new SsprError('writeback-wrong-old-password'));
    for (let i = 0; i < 5; i++) await assert.rejects(change(), { code: 'writeback-wrong-old-password' });
    h.refuse(null);
    await assert.rejects(change(), { code: 'sign-in-throttled' });
    assert.deepEqual(h.writes, [], 'the blocked try never reached the directory');
    assert.equal(h.recorder.events('change-password').at(-1)?.detail?.reason, 'sign-in-throttled');
  });

  it('a helpdesk reset and the CLI write back like an administrator; --local-only writes here only and says so', async () => {
    const dora = userNamed('dora', { source: 'ad' });
    const h = harness();
    const acts: PasswordAct[] = [
      { origin: 'admin-reset', password: 'Helpdesk-Pass-3', by: 'user:ops' },
      { origin: 'cli', password: 'Console-Pass-4' },
      { origin: 'cli-local-only', password: 'Glass-Pass-5' },
    ];
    const written = [];
    for (const act of acts) written.push((await h.setPassword.run(dora, act, { request })).writtenBack);
    assert.deepEqual(written, [true, true, false]);
    assert.deepEqual(h.writes, ['admin-reset:dora', 'admin-reset:dora', 'local:dora']);
    assert.deepEqual(h.recorder.events('admin-reset-password')[0]?.detail, { path: 'admin-reset', by: 'user:ops', writtenBack: true });
    assert.deepEqual(h.recorder.events('password-set').map((e) => e.detail?.writtenBack), [true, false]);
  });

  it('a rejected password or a refused write changes nothing, gives the flow back and is audited', async () => {
    const { user, h, now, claimedAt } = await signedInWithClaimedFlow('erin');
    const weak = h.setPassword.run(user, { origin: 'self-service-reset', password: 'weak', flow: { digest: 'f1', claimedAt } }, { request });
    await assert.rejects(weak, (e: SsprError) => e.code === 'password-rejected');
    assert.equal(h.flows.rows.get('f1')?.state, 'verified');

    h.refuse(new SsprError('writeback-no-agent'));
    const claimed = (await h.flows.claim('f1', now, 60_000))!;
    await assert.rejects(h.setPassword.run(user, { origin: 'self-service-reset', password: 'Good-Passphrase-6', flow: { digest: 'f1', claimedAt: claimed } }, { request }));
    assert.equal(h.flows.rows.get('f1')?.state, 'verified');
    assert.equal(h.sessions.rows.size, 1, 'sessions stay when nothing was written');
    assert.deepEqual(h.recorder.events('reset-password').map((e) => e.detail?.reason), ['password-rejected', 'writeback-no-agent']);
  });

  it('a crash between the write and the completion leaves the flow completing; a retry after the lease finishes the act', async () => {
    const { user, h, now, claimedAt: first } = await signedInWithClaimedFlow('fred');
    h.sessions.failNext = new Error('process killed');
    await assert.rejects(h.setPassword.run(user, { origin: 'self-service-reset', password: 'First-Passphrase-7', flow: { digest: 'f1', claimedAt: first } }, { request }));
    assert.equal(h.flows.rows.get('f1')?.state, 'completing', 'not completed while a session may live');
    assert.equal(h.sessions.rows.size, 1);
    assert.equal(await h.flows.claim('f1', now + 1000, 60_000), null, 'a live claim holds');

    h.clock.advance(60_000);
    const retry = (await h.flows.claim('f1', h.clock.now(), 60_000))!;
    await h.setPassword.run(user, { origin: 'self-service-reset', password: 'Second-Passphrase-8', flow: { digest: 'f1', claimedAt: retry } }, { request });
    assert.equal(h.flows.rows.get('f1')?.state, 'completed');
    assert.equal(h.sessions.rows.size, 0);
    assert.equal(h.recorder.events('reset-password').filter((e) => e.outcome === 'success').length, 1, 'audited once, after completion');
  });
});
