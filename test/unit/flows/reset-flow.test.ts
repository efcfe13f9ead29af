import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ResetFlow } from '../../../src/flows/reset/reset-flow.js';
import { SetPassword } from '../../../src/flows/password/set-password.js';
import type { DirectoryUser } from '../../../src/directory/directory.js';
import type { Registration } from '../../../src/methods/records.js';
import type { MethodType, VerificationMethod } from '../../../src/methods/method.js';
import type { SsprPolicy } from '../../../src/policy/sspr-policy.js';
import { SsprError } from '../../../src/errors/sspr-error.js';
import { DecoyRing } from '../../../src/flows/reset/decoy-ring.js';
import { randomBytes } from 'node:crypto';
import { tokenDigest } from '../../../src/crypto/tokens.js';
import { DeferredWork, fakeChecker, fakeCodeMethod, freezeOf, memoryParts, policyStore, registration, userNamed } from './fakes.js';
import { populationOf } from '../../support/population-pages.js';

const request = { lang: 'en' as const, ip: '192.0.2.9', userAgent: 'test' };
const LEASE_SECONDS = 60;

/** The reset flow over in-memory fakes: no server, no SMTP sink. */
function harness(options: {
  users?: DirectoryUser[];
  registrations?: Registration[];
  policy?: Partial<SsprPolicy>;
  methods?: VerificationMethod[];
  locked?: (user: DirectoryUser) => Promise<boolean | null>;
  /** Group names and licence plans by user id (read when asked, so a test may change them mid-flow). */
  groups?: Map<string, string[]>;
  plans?: Map<string, string[]>;
} = {}) {
  const users = options.users ?? [];
  const { clock, flows, sessions, throttleStore, throttles, recorder, guesses } = memoryParts();
  const afterAnswer = new DeferredWork();
  const policy = policyStore(options.policy);
  const written: string[] = [];
  const directory = {
    findUser: async (name: string) => users.find((u) => u.username === name) ?? null,
    findUserById: async (id: string) => users.find((u) => u.id === id) ?? null,
    isRecentPassword: async () => false,
    directoryPolicyFor: async () => null,
  };
  const setPassword = new SetPassword({
    directory: {
      ...directory,
      resetPassword: async (user: DirectoryUser) => void written.push(user.username),
      changePassword: async () => undefined,
      unlock: async () => undefined,
    },
    local: { resetPassword: async () => undefined },
    passwords: fakeChecker, sessions, flows, throttles, guesses, policy, users: { list: async () => users },
    mail: recorder.mailSink, notices: recorder.noticeSink, freeze: freezeOf(), audit: recorder.auditSink, clock, organisation: 'Example',
  });
  const decoys = new DecoyRing(randomBytes(32));
  const methods = new Map<MethodType, VerificationMethod>((['email', 'sms', 'totp'] as const).map((type) => [type, fakeCodeMethod(type)]));
  for (const method of options.methods ?? []) methods.set(method.type as MethodType, method);
  const flow = new ResetFlow({
    directory,
    decoys,
    flows,
    registrations: {
      listForUser: async (userId) => (options.registrations ?? []).filter((r) => r.userId === userId),
      find: async (userId, id) => (options.registrations ?? []).find((r) => r.userId === userId && r.id === id) ?? null,
      touch: async () => undefined,
    },
    groups: { groupsOfUser: async (userId) => options.groups?.get(userId) ?? [] },
    licences: { plansOf: async (userId) => options.plans?.get(userId) ?? [] },
    policy,
    throttles,
    methods,
    passwords: fakeChecker,
    setPassword,
    mail: recorder.mailSink,
    afterAnswer,
    audit: recorder.auditSink,
    clock,
    decoyKey: Buffer.alloc(32, 1),
    usualEmailDomain: () => 'example.org',
    ...(options.locked ? { lockedInDirectory: options.locked } : {}),
    settings: { flowTtlSeconds: 900, completionLeaseSeconds: LEASE_SECONDS, maxSendsPerFlow: 5, organisation: 'Example' },
  });
  return { flow, flows, sessions, throttleStore, recorder, afterAnswer, clock, written, decoys };
}

async function verified(h: ReturnType<typeof harness>, username: string): Promise<string> {
  const started = await h.flow.start(username, request);
  for (const method of started.methods) {
    await h.flow.send(started.flowId, method.id, request);
    const result = await h.flow.verify(started.flowId, method.id, { code: '123456' }, request);
    if (result.complete) return started.flowId;
  }
  throw new Error('not verified');
}

describe('ResetFlow rules (fakes)', () => {
  it('an unknown name gets the same shape as a known one, and nothing is sent or stored for it', async () => {
    const h = harness({ users: [userNamed('anna')] });
    const known = await h.flow.start('anna', request);
    const unknown = await h.flow.start('nobody-here', request);
    assert.deepEqual(Object.keys(unknown).sort(), Object.keys(known).sort());
    assert.equal(unknown.required, known.required);
    assert.ok(unknown.methods.every((m) => m.type === 'email' || m.type === 'sms'));
    await h.flow.send(unknown.flowId, unknown.methods[0]!.id, request);
    await assert.rejects(h.flow.verify(unknown.flowId, unknown.methods[0]!.id, { code: '123456' }, request), SsprError, 'a decoy never verifies');
    await h.afterAnswer.flush();
    assert.equal(h.recorder.mails.length, 0);
  });

  it('steps run in order: no password before verification, administrators need two distinct method types', async () => {
    const admin = userNamed('root', { isAdmin: true, mobile: '+4915112345678' });
    const h = harness({ users: [admin] });
    const started = await h.flow.start('root', request);
    assert.equal(started.required, 2);
    await assert.rejects(h.flow.setPassword(started.flowId, 'Strong-Passphrase-1', request), (e: SsprError) => e.code === 'flow-step-out-of-order');
    const [first, second] = started.methods;
    await h.flow.send(started.flowId, first!.id, request);
    assert.equal((await h.flow.verify(started.flowId, first!.id, { code: '123456' }, request)).complete, false, 'one method is not enough');
    await assert.rejects(h.flow.setPassword(started.flowId, 'Strong-Passphrase-1', request), (e: SsprError) => e.code === 'flow-step-out-of-order');
    await h.flow.send(started.flowId, second!.id, request);
    assert.equal((await h.flow.verify(started.flowId, second!.id, { code: '123456' }, request)).complete, true);
    await h.flow.setPassword(started.flowId, 'Strong-Passphrase-1', request);
    assert.deepEqual(h.written, ['root']);
  });

  it('wrong codes count as failed proofs; five block the name for a day, known or not', async () => {
    const h = harness({ users: [userNamed('bea')] });
    for (const name of ['bea', 'ghost']) {
      const started = await h.flow.start(name, request);
      const method = started.methods[0]!;
      await h.flow.send(started.flowId, method.id, request);
      for (let i = 0; i < 5; i++) await assert.rejects(h.flow.verify(started.flowId, method.id, { code: '000000' }, request));
      await assert.rejects(h.flow.start(name, request), (e: SsprError) => e.code === 'throttled');
    }
  });

  it('a refusal on the page takes the params its sentence names: only methods-registered a count', async () => {
    const users = [userNamed('pia'), userNamed('ops', { isAdmin: true }), userNamed('off', { enabled: false })];
    const h = harness({ users, policy: { refusalNotice: 'page', methodsRequired: 2 } });
    const refusalOf = async (name: string) => (await h.flow.start(name, request).then(() => assert.fail(`${name} was not refused`), (e: unknown) => e)) as SsprError;
    const few = await refusalOf('pia');
    assert.equal(few.code, 'methods-registered');
    assert.deepEqual(few.params, { required: 2 });
    assert.match(few.message, /register 2 verification methods/);
    for (const [name, code] of [['ops', 'admin-policy'], ['off', 'account-state']] as const) {
      const refused = await refusalOf(name);
      assert.deepEqual([refused.code, refused.params], [code, undefined]);
    }
  });

  it('a refusal notice goes out after the answer, at most once per user per e-mail window, counted as an e-mail', async () => {
    // An administrator with one method is refused (two-gate); the default policy tells them by e-mail.
    const admin = userNamed('ops', { isAdmin: true });
    const h = harness({ users: [admin] });
    for (let i = 0; i < 20; i++) {
      const [mails, counted] = [h.recorder.mails.length, h.throttleStore.events.length];
      await h.flow.start('ops', request);
      assert.equal(h.recorder.mails.length, mails, 'nothing is composed or sent before the answer');
      assert.equal(h.throttleStore.events.length, counted, 'nothing is counted before the answer');
      await h.afterAnswer.flush();
    }
    assert.equal(h.recorder.mails.length, 1);
    assert.equal(h.recorder.mails[0]?.tag.purpose, 'reset-refused');
    assert.equal(h.throttleStore.events.filter((e) => e.scope === 'user:ops:email').length, 1);
    h.clock.advance(10 * 60_000);
    await h.flow.start('ops', request);
    await h.afterAnswer.flush();
    assert.equal(h.recorder.mails.length, 2, 'a new window allows one more');
  });

  it("hints are stored as keys and shown in the reader's language, not the starter's; plain stored hints show as they are", async () => {
    const tom = userNamed('tom', { email: null });
    const h = harness({ users: [tom], registrations: [registration(tom, 'totp')] });
    const started = await h.flow.start('tom', request);
    assert.deepEqual(started.methods.map((m) => m.hint), ['Code from your authenticator app']);
    assert.deepEqual((await h.flow.view(started.flowId, 'de')).methods.map((m) => m.hint), ['Code aus Ihrer Authenticator-App']);
    assert.equal((await h.flow.send(started.flowId, started.methods[0]!.id, { ...request, lang: 'de' })).hint, 'Code aus Ihrer Authenticator-App');
    const stored = (await h.flows.findLive(tokenDigest(started.flowId), h.clock.now()))!;
    assert.deepEqual(stored.methods[0]!.hint, { key: 'totp', params: {} });

    const oldId = 'an-old-flow-id-0123456789';
    await h.flows.create({ digest: tokenDigest(oldId), userId: tom.id, username: 'tom', methods: [{ ...stored.methods[0]!, hint: 'Code from your authenticator app' }], required: 1, expiresAt: h.clock.now() + 60_000 });
    assert.deepEqual((await h.flow.view(oldId, 'de')).methods.map((m) => m.hint), ['Code from your authenticator app']);
  });

  it("a decoy's send runs against its stand-in's registration, its verify against none, and nothing is delivered", async () => {
    const ann = userNamed('ann', { email: null });
    const seen: Array<[string, string | null, string | null]> = [];
    const spy: VerificationMethod = {
      type: 'totp',
      hint: () => ({ key: 'totp', params: {} }),
      begin: async (ctx) => {
        seen.push(['begin', ctx.user?.username ?? null, ctx.registration?.id ?? null]);
        return {};
      },
      verify: async (ctx) => void seen.push(['verify', ctx.user?.username ?? null, ctx.registration?.id ?? null]),
    };
    const h = harness({ users: [ann], registrations: [registration(ann, 'totp')], methods: [spy] });
    await h.decoys.refresh(populationOf([ann.id]));
    const started = await h.flow.start('ghost', request);
    assert.deepEqual(started.methods.map((m) => m.type), ['totp'], "the stand-in's methods");
    await h.flow.send(started.flowId, started.methods[0]!.id, request);
    await assert.rejects(h.flow.verify(started.flowId, started.methods[0]!.id, { code: '123456' }, request), (e: SsprError) => e.code === 'flow-invalid');
    assert.deepEqual(seen, [['begin', null, 'reg-ann-totp'], ['verify', null, null]]);
    assert.equal(h.recorder.mails.length, 0);
  });

  it('offers "unlock only" to a locked directory account or one whose state cannot be read, never to a cloud-only or an unlocked one', async () => {
    const users = [
      userNamed('cloud'),
      userNamed('locked', { source: 'ldap' }),
      userNamed('open', { source: 'ldap' }),
      userNamed('unreadable', { source: 'ad' }),
    ];
    const states: Record<string, boolean | null> = { locked: true, open: false };
    const h = harness({
      users,
      locked: async (user) => {
        if (user.username === 'unreadable') throw new Error('no agent connected');
        return states[user.username] ?? null;
      },
    });
    const offered: Record<string, boolean> = {};
    for (const user of users) offered[user.username] = await h.flow.unlockOffered(await verified(h, user.username));
    assert.deepEqual(offered, { cloud: false, locked: true, open: false, unreadable: true });
    const started = await h.flow.start('locked', request);
    assert.equal(await h.flow.unlockOffered(started.flowId), false, 'not before verification');
    await assert.rejects(h.flow.unlock(await verified(h, 'cloud'), request), (e: SsprError) => e.code === 'flow-step-out-of-order');
    assert.deepEqual(await h.flow.unlock(await verified(h, 'locked'), request), { done: true });
  });

  it("a completed reset ends the user's other open flows, verified ones and codes sent before included", async () => {
    const h = harness({ users: [userNamed('cleo')] });
    const earlier = await verified(h, 'cleo');
    const pending = await h.flow.start('cleo', request);
    await h.flow.send(pending.flowId, pending.methods[0]!.id, request);
    const current = await verified(h, 'cleo');
    await h.flow.setPassword(current, 'Strong-Passphrase-2', request);
    await assert.rejects(h.flow.setPassword(earlier, 'Strong-Passphrase-3', request), (e: SsprError) => e.code === 'flow-invalid');
    await assert.rejects(h.flow.verify(pending.flowId, pending.methods[0]!.id, { code: '123456' }, request), (e: SsprError) => e.code === 'flow-invalid');
    assert.equal((await h.flow.view(current, 'en')).step, 'done');
  });

  it('a crash between "completing" and "completed" never strands the flow: retry says the truth, then continues', async () => {
    const user = userNamed('dan');
    const h = harness({ users: [user] });
    h.sessions.rows.set('old-session', user.id);
    const flowId = await verified(h, 'dan');
    h.sessions.failNext = new Error('killed between the steps');
    await assert.rejects(h.flow.setPassword(flowId, 'Strong-Passphrase-4', request));

    const early = h.flow.setPassword(flowId, 'Strong-Passphrase-4', request);
    await assert.rejects(early, (e: SsprError) => e.code === 'flow-completing', 'not "already complete" while it is not');
    h.clock.advance(LEASE_SECONDS * 1000);
    await h.flow.setPassword(flowId, 'Strong-Passphrase-5', request);
    assert.equal(h.sessions.rows.size, 0, 'the session ended on the retry');
    assert.deepEqual(h.written, ['dan', 'dan']);
    await assert.rejects(h.flow.setPassword(flowId, 'Strong-Passphrase-6', request), (e: SsprError) => e.code === 'flow-completed');
  });

  it('users with registrations are offered them; disabled users are refused silently', async () => {
    const totpUser = userNamed('tom', { email: null });
    const disabled = userNamed('dis', { enabled: false });
    const h = harness({ users: [totpUser, disabled], registrations: [registration(totpUser, 'totp')] });
    assert.deepEqual((await h.flow.start('tom', request)).methods.map((m) => m.type), ['totp']);
    await h.flow.start('dis', request);
    await h.afterAnswer.flush();
    assert.equal(h.recorder.mails.length, 0, 'a disabled account gets no notice');
    assert.equal(h.recorder.events('reset-start').at(-1)?.detail?.reason, 'account-state');
  });

  it('an account disabled, taken out of the SSPR group or left without a licence while its flow ran is refused at the final step', async () => {
    const users = ['gus', 'gia', 'lea', 'una'].map((name) => userNamed(name, name === 'una' ? { source: 'ldap' } : {}));
    const groups = new Map(users.map((u) => [u.id, ['SSPR Users']]));
    const plans = new Map(users.map((u) => [u.id, ['sspr']]));
    const h = harness({ users, groups, plans, policy: { enabled: 'selected', group: 'SSPR Users', licenceRequired: true } });
    const flows = new Map<string, string>();
    for (const user of users) flows.set(user.username, await verified(h, user.username));
    (users[0] as DirectoryUser).enabled = false;
    groups.set('id-gia', ['Staff']);
    plans.set('id-lea', []);
    const expected = { gus: 'account-state', gia: 'sspr-enabled', lea: 'license-assigned', una: 'account-state' } as const;
    await assert.rejects(h.flow.setPassword(flows.get('gus') as string, 'Strong-Passphrase-7', request), (e: SsprError) => e.code === expected.gus && e.params === undefined);
    await assert.rejects(h.flow.setPassword(flows.get('gia') as string, 'Strong-Passphrase-7', request), (e: SsprError) => e.code === expected.gia && e.params === undefined);
    await assert.rejects(h.flow.setPassword(flows.get('lea') as string, 'Strong-Passphrase-7', request), (e: SsprError) => e.code === expected.lea && e.params === undefined);
    // "Unlock only" is refused by the same rule.
    (users[3] as DirectoryUser).enabled = false;
    await assert.rejects(h.flow.unlock(flows.get('una') as string, request), (e: SsprError) => e.code === expected.una && e.params === undefined);
    assert.deepEqual(h.written, [], 'no account was written');
    assert.deepEqual(h.recorder.events('reset-password').map((e) => [e.username, e.outcome, e.detail?.reason]), [
      ['gus', 'failure', 'account-state'],
      ['gia', 'failure', 'sspr-enabled'],
      ['lea', 'failure', 'license-assigned'],
    ]);
    // Back in scope, the same verified flow completes: a refusal claims nothing.
    (users[0] as DirectoryUser).enabled = true;
    assert.deepEqual(await h.flow.setPassword(flows.get('gus') as string, 'Strong-Passphrase-8', request), { done: true });
    assert.deepEqual(h.written, ['gus']);
  });
});
