import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOTP, Secret } from 'otpauth';
import { SmtpSink } from '../support/smtp-sink.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { postJson } from '../support/json-client.js';
import { ManualClock } from '../support/manual-clock.js';
import { SessionClient } from '../support/session-client.js';
import { startRecordingServer, type RecordingServer } from '../support/recording-server.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';
import { hashPassword } from '../../src/crypto/password-hash.js';

const SMS_SECRET = 'webhook-secret-0123456789';
const totpCode = (secret: string, at: number) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: at });

/**
 * Every verification method registered through the JSON API and then used for a reset, the policy knobs,
 * the throttles on a controllable clock, and a scan of the database and logs for secrets in clear.
 */
describe('verification methods, policy and throttles (JSON API)', () => {
  let smtp: SmtpSink;
  let smsReceiver: RecordingServer;
  let svc: TestService;
  const clock = new ManualClock();
  const secrets = new Set<string>();
  let passwordCounter = 0;
  const nextPassword = () => {
    const password = `Lantern orbit meadow ${++passwordCounter} quartz`;
    secrets.add(password);
    return password;
  };
  const authenticator = new SoftAuthenticator('localhost', 'http://localhost');
  let totpSecret = '';
  let recoveryCodes: string[] = [];

  before(async () => {
    smtp = await SmtpSink.start();
    smsReceiver = await startRecordingServer(() => ({ status: 200, json: { ok: true } }));
    svc = await startTestService({
      dialect: 'sqlite',
      smtpUrl: smtp.url,
      clock,
      env: { SSPR_PUBLIC_URL: 'http://localhost', SSPR_SMS_PROVIDER: 'webhook', SSPR_SMS_URL: `${smsReceiver.origin}/sms`, SSPR_SMS_SECRET: SMS_SECRET },
    });
    const first = 'Initial passphrase for mona 1';
    secrets.add(first);
    await svc.services.users.add({ username: 'mona', firstName: 'Mona', lastName: 'Meyer', email: 'mona@example.org', passwordHash: await hashPassword(first) });
    await svc.services.users.add({ username: 'otto', email: 'otto@example.org', passwordHash: await hashPassword(first) });
    await svc.services.users.add({ username: 'root-admin', email: 'admin@example.org', isAdmin: true, passwordHash: await hashPassword(first) });
    await svc.services.users.add({ username: 'ada', email: 'ada@example.org', isAdmin: true });
  });
  after(async () => {
    await svc?.close();
    await smtp?.close();
    await smsReceiver?.close();
  });

  const smsCode = (to: string) => {
    const request = [...smsReceiver.requests].reverse().find((r) => JSON.parse(r.rawBody).to === to);
    return /(\d{6})/.exec(JSON.parse(request?.rawBody ?? '{}').text ?? '')?.[1] ?? '';
  };
  const signedIn = async (username: string) => {
    const client = new SessionClient(svc.baseUrl);
    await client.signIn(username, 'Initial passphrase for mona 1');
    return client;
  };

  it('registers every method with proof of possession', async () => {
    const mona = await signedIn('mona');
    const before = (await mona.request('GET', '/api/v1/me/methods')).body;
    assert.deepEqual(before.methods.map((m: any) => m.type), ['email'], 'the directory e-mail counts as registered');

    const count = smtp.messages.length;
    assert.equal((await mona.post('/api/v1/me/methods/email', { address: 'mona.private@example.net' })).status, 200);
    const emailCode = await smtp.codeFor('mona.private@example.net', count);
    const wrong = await mona.post('/api/v1/me/methods/email/confirm', { code: emailCode === '000000' ? '111111' : '000000' });
    assert.equal(wrong.body.error.code, 'code-wrong');
    assert.equal((await mona.post('/api/v1/me/methods/email/confirm', { code: emailCode })).status, 200);
    secrets.add('mona.private@example.net');

    const badPhone = await mona.post('/api/v1/me/methods/sms', { phone: '12' });
    assert.equal(badPhone.status, 400);
    assert.equal(badPhone.body.error.code, 'registration-invalid');
    assert.equal((await mona.post('/api/v1/me/methods/sms', { phone: '0151 23456789' })).status, 200);
    await svc.services.delivery.drain();
    const delivered = smsReceiver.requests.at(-1)!;
    assert.equal(JSON.parse(delivered.rawBody).to, '+4915123456789', 'stored and sent in E.164');
    assert.match(String(delivered.headers['x-sspr-signature']), /^sha256=[0-9a-f]{64}$/);
    assert.equal((await mona.post('/api/v1/me/methods/sms/confirm', { code: smsCode('+4915123456789') })).status, 200);
    secrets.add('+4915123456789');

    const totp = await mona.post('/api/v1/me/methods/totp');
    assert.match(totp.body.uri, /^otpauth:\/\/totp\//);
    assert.match(totp.body.qrSvg, /<svg/);
    totpSecret = totp.body.secret;
    secrets.add(totpSecret);
    assert.equal((await mona.post('/api/v1/me/methods/totp/confirm', { code: '123' })).body.error.code, 'code-malformed');
    assert.equal((await mona.post('/api/v1/me/methods/totp/confirm', { code: totpCode(totpSecret, clock.now()), label: 'Phone' })).status, 200);

    const choices = (await mona.request('GET', '/api/v1/me/methods/questions/choices')).body;
    const ids = choices.questions.slice(0, 3).map((q: any) => q.id);
    const duplicate = await mona.post('/api/v1/me/methods/questions', { answers: ids.map((questionId: string) => ({ questionId, answer: 'same answer' })) });
    assert.equal(duplicate.status, 400);
    assert.match(duplicate.body.error.detail, /duplicate-answer/);
    const answers = ['Rex the dog', 'Lisbeth Ahlers', 'Sunflower Lane'];
    answers.forEach((a) => secrets.add(a));
    assert.equal((await mona.post('/api/v1/me/methods/questions', { answers: ids.map((questionId: string, i: number) => ({ questionId, answer: answers[i] })) })).status, 200);

    const codes = await mona.post('/api/v1/me/methods/recovery-codes');
    assert.equal(codes.body.codes.length, 10);
    recoveryCodes = codes.body.codes;
    recoveryCodes.forEach((c) => secrets.add(c));

    const options = await mona.post('/api/v1/me/methods/passkey/options');
    const credential = authenticator.register(options.body.challenge);
    const passkey = await mona.post('/api/v1/me/methods/passkey', { credential, label: 'Laptop' });
    assert.equal(passkey.status, 200, JSON.stringify(passkey.body));
    const replay = await mona.post('/api/v1/me/methods/passkey', { credential, label: 'Again' });
    assert.equal(replay.status, 400, 'a registration response cannot be replayed');

    const after = (await mona.request('GET', '/api/v1/me/methods')).body;
    assert.deepEqual(after.methods.map((m: any) => m.type).sort(), ['email', 'email', 'passkey', 'questions', 'recovery-codes', 'sms', 'totp']);
    assert.equal(after.complete, true);
  });

  /** One complete reset of mona with the method of `type`. */
  const resetWith = async (type: string) => {
    const started = await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'mona' });
    const method = started.body.methods.find((m: any) => m.type === type && (type !== 'email' || m.hint.startsWith('•••••@e•••••.net')));
    assert.ok(method, `${type} is offered: ${JSON.stringify(started.body.methods)}`);
    const base = `/api/v1/reset/${started.body.flowId}`;
    const count = smtp.messages.length;
    const begun = await postJson(svc.baseUrl, `${base}/send`, { methodId: method.id });
    assert.equal(begun.status, 200, JSON.stringify(begun.body));
    let input: Record<string, unknown>;
    if (type === 'email') input = { code: await smtp.codeFor('mona.private@example.net', count) };
    else if (type === 'sms') {
      await svc.services.delivery.drain();
      input = { code: smsCode('+4915123456789') };
    } else if (type === 'totp') input = { code: totpCode(totpSecret, clock.now()) };
    else if (type === 'questions') {
      assert.equal(begun.body.questions.length, 3);
      const all = await svc.services.securityInfo.questionChoices();
      const answerFor = (id: string) => ['Rex the dog', 'Lisbeth Ahlers', 'Sunflower Lane'][all.questions.findIndex((q) => q.id === id)];
      input = { answers: begun.body.questions.map((q: any) => ({ questionId: q.id, answer: ` ${answerFor(q.id)!.toUpperCase()} ` })) };
    } else if (type === 'recovery-codes') input = { code: recoveryCodes[0] };
    else input = { credential: authenticator.authenticate(begun.body.passkeyOptions.challenge) };
    const verified = await postJson(svc.baseUrl, `${base}/verify`, { methodId: method.id, ...input });
    assert.equal(verified.status, 200, `${type}: ${JSON.stringify(verified.body)}`);
    assert.equal(verified.body.complete, true);
    assert.equal((await postJson(svc.baseUrl, `${base}/password`, { password: nextPassword() })).status, 200);
    return { method, input };
  };

  for (const type of ['email', 'sms', 'totp', 'questions', 'recovery-codes', 'passkey']) {
    it(`resets with ${type}`, async () => {
      clock.advance(31_000);
      await resetWith(type);
    });
  }

  it('refuses a replayed TOTP code, a used recovery code and a replayed passkey assertion', async () => {
    const started = await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'mona' });
    const base = `/api/v1/reset/${started.body.flowId}`;
    const of = (type: string) => started.body.methods.find((m: any) => m.type === type);
    clock.advance(31_000);
    const code = totpCode(totpSecret, clock.now());
    assert.equal((await postJson(svc.baseUrl, `${base}/verify`, { methodId: of('totp').id, code })).status, 200);
    const other = await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'mona' });
    const otherTotp = other.body.methods.find((m: any) => m.type === 'totp');
    const replayedCode = await postJson(svc.baseUrl, `/api/v1/reset/${other.body.flowId}/verify`, { methodId: otherTotp.id, code });
    assert.equal(replayedCode.body.error.code, 'totp-wrong');
    const otherBase = `/api/v1/reset/${other.body.flowId}`;
    const ofOther = (type: string) => other.body.methods.find((m: any) => m.type === type);
    assert.ok(of('totp'));
    assert.equal((await postJson(svc.baseUrl, `${otherBase}/verify`, { methodId: ofOther('recovery-codes').id, code: recoveryCodes[0] })).body.error.code, 'recovery-code-wrong');
    const begun = await postJson(svc.baseUrl, `${otherBase}/send`, { methodId: ofOther('passkey').id });
    const assertion = authenticator.authenticate(begun.body.passkeyOptions.challenge, { counter: 1 });
    const replayed = await postJson(svc.baseUrl, `${otherBase}/verify`, { methodId: ofOther('passkey').id, credential: { ...assertion } });
    assert.equal(replayed.status, 400, 'an assertion whose counter went backwards is refused');
    assert.equal(replayed.body.error.code, 'passkey-failed');
    const reused = await postJson(svc.baseUrl, `${otherBase}/verify`, { methodId: ofOther('passkey').id, credential: { ...assertion } });
    assert.equal(reused.body.error.code, 'code-not-sent', 'the challenge was single use');
    await svc.services.throttles.clear('mona');
  });

  it('of two concurrent uses of one recovery code, exactly one wins', async () => {
    const flows = await Promise.all([1, 2].map(() => postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'mona' })));
    const results = await Promise.all(
      flows.map((f) => postJson(svc.baseUrl, `/api/v1/reset/${f.body.flowId}/verify`, { methodId: f.body.methods.find((m: any) => m.type === 'recovery-codes').id, code: recoveryCodes[5] })),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 400]);
    await svc.services.throttles.clear('mona');
  });

  it("refuses another user's method id and never removes another user's registration", async () => {
    const monaFlow = await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'mona' });
    const ottoFlow = await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'otto' });
    const foreign = await postJson(svc.baseUrl, `/api/v1/reset/${ottoFlow.body.flowId}/send`, { methodId: monaFlow.body.methods[0].id });
    assert.equal(foreign.body.error.code, 'method-unknown');
    const otto = await signedIn('otto');
    const monaRegistrations = await svc.services.registrations.listForUser((await svc.services.users.get('mona')).id);
    const removal = await otto.request('DELETE', `/api/v1/me/methods/${monaRegistrations[0]!.id}`);
    assert.equal(removal.body.error.code, 'method-unknown');
    assert.equal((await svc.services.registrations.listForUser((await svc.services.users.get('mona')).id)).length, monaRegistrations.length);
  });

  it('requires two distinct methods when the policy says 2', async () => {
    await svc.services.policy.update({ methodsRequired: 2 }, 'test');
    clock.advance(6_000);
    const started = await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'mona' });
    assert.equal(started.body.required, 2);
    const base = `/api/v1/reset/${started.body.flowId}`;
    const totp = started.body.methods.find((m: any) => m.type === 'totp');
    clock.advance(31_000);
    const first = await postJson(svc.baseUrl, `${base}/verify`, { methodId: totp.id, code: totpCode(totpSecret, clock.now()) });
    assert.equal(first.body.complete, false);
    assert.equal((await postJson(svc.baseUrl, `${base}/password`, { password: nextPassword() })).status, 409);
    const code = recoveryCodes[1];
    const second = await postJson(svc.baseUrl, `${base}/verify`, { methodId: started.body.methods.find((m: any) => m.type === 'recovery-codes').id, code });
    assert.equal(second.body.complete, true);
    assert.equal((await postJson(svc.baseUrl, `${base}/password`, { password: nextPassword() })).status, 200);
    await svc.services.policy.update({ methodsRequired: 1 }, 'test');
  });

  it('administrators need two methods and questions never count (two-gate), refused by e-mail or on the page', async () => {
    const ada = (await svc.services.users.get('ada'))!;
    await svc.services.registrations.add(ada.id, 'questions', { answers: [] }, clock.now());
    const count = smtp.messages.length;
    const started = await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'ada' });
    assert.equal(started.status, 200, 'refused quietly: the page answers like for anyone');
    assert.ok(!started.body.methods.some((m: any) => m.type === 'questions'));
    const notice = await smtp.waitFor((m) => m.to === 'ada@example.org' && /could not be reset/.test(m.subject));
    assert.match(notice.text, /Administrators must verify two methods/);
    assert.ok(smtp.messages.length > count);
    await svc.services.policy.update({ refusalNotice: 'page' }, 'test');
    const onPage = await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'ada' }, { headers: { 'accept-language': 'de' } });
    assert.equal(onPage.status, 403);
    assert.equal(onPage.body.error.code, 'admin-policy');
    assert.match(onPage.body.error.message, /Administratoren/);
    await svc.services.policy.update({ refusalNotice: 'email' }, 'test');
  });

  it('policy matrix: enabled none / selected group (nested) / all, licences, allowed methods', async () => {
    const refusal = async (username: string) => {
      await svc.services.policy.update({ refusalNotice: 'page' }, 'test');
      const response = await postJson(svc.baseUrl, '/api/v1/reset/start', { username });
      await svc.services.policy.update({ refusalNotice: 'email' }, 'test');
      return response.status === 200 ? 'eligible' : response.body.error.code;
    };
    assert.equal(await refusal('otto'), 'eligible');
    await svc.services.policy.update({ enabled: 'none' }, 'test');
    assert.equal(await refusal('otto'), 'sspr-enabled');
    const [all, sales] = [await svc.services.groups.add('All staff'), await svc.services.groups.add('Sales team')];
    await svc.services.groups.addGroup(all, sales);
    await svc.services.groups.addUser(sales.id, (await svc.services.users.get('otto')).id);
    await svc.services.policy.update({ enabled: 'selected', group: 'All staff' }, 'test');
    assert.equal(await refusal('otto'), 'eligible', 'nested membership counts');
    assert.equal(await refusal('mona'), 'sspr-enabled');
    await svc.services.policy.update({ enabled: 'all', licenceRequired: true }, 'test');
    assert.equal(await refusal('otto'), 'license-assigned');
    await svc.services.licences.assign('sspr', 'group', all.id);
    assert.equal(await refusal('otto'), 'eligible');
    await svc.services.policy.update({ licenceRequired: false, methods: ['email', 'totp'] }, 'test');
    const started = await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'mona' });
    assert.deepEqual([...new Set(started.body.methods.map((m: any) => m.type))].sort(), ['email', 'totp']);
    const otto = await signedIn('otto');
    const forbidden = await otto.post('/api/v1/me/methods/recovery-codes');
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error.code, 'method-forbidden');
    await svc.services.policy.update({ methods: ['email', 'sms', 'totp', 'questions', 'passkey', 'recovery-codes'] }, 'test');
    assert.equal(await refusal('mona'), 'eligible');
    await svc.services.policy.update({ contactDataCounts: false }, 'test');
    const withoutContact = await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'mona' });
    assert.ok(!withoutContact.body.methods.some((m: any) => m.hint === '•••••@e•••••.org'), 'the directory address no longer counts');
    assert.ok(withoutContact.body.methods.some((m: any) => m.hint === '•••••@e•••••.net'), 'the registered address still does');
    await svc.services.policy.update({ contactDataCounts: true }, 'test');
    await assert.rejects(svc.services.policy.update({ methodsRequired: 3 }, 'test'), /methodsRequired/);
  });

  it('throttles: 5 failed proofs block for 24 h, for unknown names too, and the block ends', async () => {
    for (const username of ['otto', 'nobody-here']) {
      for (let i = 0; i < 5; i++) {
        const started = await postJson(svc.baseUrl, '/api/v1/reset/start', { username });
        assert.equal(started.status, 200, `attempt ${i}: ${JSON.stringify(started.body)}`);
        const methodId = started.body.methods[0].id;
        await postJson(svc.baseUrl, `/api/v1/reset/${started.body.flowId}/send`, { methodId });
        await postJson(svc.baseUrl, `/api/v1/reset/${started.body.flowId}/verify`, { methodId, code: '000001' });
      }
      const blocked = await postJson(svc.baseUrl, '/api/v1/reset/start', { username });
      assert.equal(blocked.status, 429, username);
      assert.equal(blocked.body.error.code, 'throttled');
      assert.match(blocked.body.error.message, /try again after \d{1,2}:\d\d\s[AP]M UTC on [A-Z][a-z]{2} \d{1,2}, \d{4}\./);
    }
    clock.advance(24 * 3_600_000 + 1);
    assert.equal((await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'otto' })).status, 200);
  });

  it('throttles: more than 10 e-mails in 10 minutes block the name', async () => {
    for (let i = 0; i < 3; i++) {
      const started = await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'otto' });
      const methodId = started.body.methods[0].id;
      for (let j = 0; j < 4 && (i < 2 || j < 3); j++) assert.equal((await postJson(svc.baseUrl, `/api/v1/reset/${started.body.flowId}/send`, { methodId })).status, 200);
    }
    const blocked = await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'otto' });
    assert.equal(blocked.body.error.code, 'throttled', '11th e-mail within 10 minutes');
    assert.equal(blocked.body.error.details.reason, 'too-many-emails');
    await svc.services.throttles.clear('otto');
  });

  it('bounds the codes a signed-in user can send to addresses and numbers they typed, and says what the code is for', async () => {
    const otto = await signedIn('otto');
    const victim = 'someone.else@example.com';
    secrets.add(victim);
    const count = smtp.messages.length;
    for (let i = 0; i < 3; i++) assert.equal((await otto.post('/api/v1/me/methods/email', { address: victim })).status, 200, `code ${i + 1} to the address`);
    const refused = await otto.post('/api/v1/me/methods/email', { address: victim });
    assert.equal(refused.status, 429, 'a fourth code to one address within a day');
    assert.equal(refused.body.error.code, 'enrolment-codes-limited');
    const mail = await smtp.waitFor((m) => m.to === victim && smtp.messages.indexOf(m) >= count);
    assert.match(mail.subject, /confirm this address/);
    assert.match(mail.text, /not a password reset code/);
    assert.doesNotMatch(mail.text, /otto/, 'the mail names no account');

    const others = ['a', 'b', 'c'].map((x) => `${x}.third.party@example.com`);
    others.forEach((address) => secrets.add(address));
    assert.equal((await otto.post('/api/v1/me/methods/email', { address: others[0] })).status, 200, 'fifth code from this account within an hour');
    const overUser = await otto.post('/api/v1/me/methods/email', { address: others[1] });
    assert.equal(overUser.status, 429, 'a sixth code from one account within an hour');
    assert.equal(overUser.body.error.code, 'enrolment-codes-limited');

    clock.advance(3_600_001);
    const ottoLater = await signedIn('otto');
    assert.equal((await ottoLater.post('/api/v1/me/methods/email', { address: others[2] })).status, 200, 'the account budget renews after an hour');
    assert.equal((await ottoLater.post('/api/v1/me/methods/email', { address: victim })).status, 429, 'the address budget holds for a day');
    const admin = await signedIn('root-admin');
    assert.equal((await admin.post('/api/v1/me/methods/email', { address: victim.toUpperCase() })).status, 429, 'the address budget is shared by every account');

    const phone = '+4915199999999';
    secrets.add(phone);
    for (let i = 0; i < 3; i++) assert.equal((await admin.post('/api/v1/me/methods/sms', { phone })).status, 200);
    assert.equal((await admin.post('/api/v1/me/methods/sms', { phone })).status, 429, 'a fourth SMS to one number within a day');
    await svc.services.delivery.drain();
    assert.match(JSON.parse(smsReceiver.requests.at(-1)!.rawBody).text, /confirms this number/);
  });

  it('keeps no code, answer, secret, phone number, address or password in clear in the database or the logs', async () => {
    await svc.services.delivery.drain();
    const files = readdirSync(svc.dataDir).filter((f) => f.startsWith('sspr.db'));
    const stored = files.map((f) => readFileSync(join(svc.dataDir, f)).toString('latin1')).join('\n');
    const logs = svc.logs.join('\n');
    const sentCodes = [...smtp.messages.map((m) => /\b(\d{6})\b/.exec(m.text)?.[1]), ...smsReceiver.requests.map((r) => /(\d{6})/.exec(JSON.parse(r.rawBody).text)?.[1])].filter(Boolean) as string[];
    for (const secret of [...secrets, 'mona@example.org', 'Rex the dog'.toLowerCase()]) {
      assert.ok(!stored.includes(secret), `database holds "${secret}" in clear`);
      assert.ok(!logs.includes(secret), `logs hold "${secret}"`);
    }
    // A code is a token of its own in the logs: not digits inside a fraction (pino's response times) or inside a
    // hex or hyphenated id (request ids), where six random digits turn up by chance.
    for (const code of sentCodes) assert.doesNotMatch(logs, new RegExp(`(?<![\\w.-])${code}(?![\\w-]|\\.\\d)`), `logs hold code ${code}`);
    assert.ok(stored.includes('enc:v1:k0:'), 'encrypted values carry their key id');
  });
});
