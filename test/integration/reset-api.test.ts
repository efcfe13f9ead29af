import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SmtpSink } from '../support/smtp-sink.js';
import { startTestService, type Dialect, type TestService } from '../support/test-service.js';
import { postJson } from '../support/json-client.js';
import { hashPassword } from '../../src/crypto/password-hash.js';

for (const dialect of ['sqlite', 'postgres'] as Dialect[]) {
  describe(`forgot password by email code over the JSON API (${dialect})`, () => {
    let smtp: SmtpSink;
    let svc: TestService;

    before(async () => {
      smtp = await SmtpSink.start();
      svc = await startTestService({ dialect, smtpUrl: smtp.url });
      await svc.services.users.add({ username: 'alice', firstName: 'Alice', lastName: 'Anders', email: 'alice@example.org', passwordHash: await hashPassword('old password 1') });
      await svc.services.users.add({ username: 'bob', email: 'bob@example.org' });
      await svc.services.users.add({ username: 'cleo', email: 'cleo@example.org' });
    });
    after(async () => {
      await svc?.close();
      await smtp?.close();
    });

    const start = (username: string) => postJson(svc.baseUrl, '/api/v1/reset/start', { username });

    it('resets the password with the emailed code, notifies the user, and the new password signs in', async () => {
      const started = await start('Alice');
      assert.equal(started.status, 200);
      assert.equal(started.body.required, 1);
      assert.equal(started.body.methods.length, 1);
      const [method] = started.body.methods;
      assert.equal(method.type, 'email');
      assert.equal(method.hint, '•••••@e•••••.org');
      const flow = started.body.flowId as string;
      assert.ok(flow.length >= 22, 'flow id carries at least 128 bits');

      const before = smtp.messages.length;
      const sent = await postJson(svc.baseUrl, `/api/v1/reset/${flow}/send`, { methodId: method.id });
      assert.equal(sent.status, 200);
      assert.equal(sent.body.expiresInSeconds, 300);
      const code = await smtp.codeFor('alice@example.org', before);
      assert.match(code, /^\d{6}$/);

      const verified = await postJson(svc.baseUrl, `/api/v1/reset/${flow}/verify`, { methodId: method.id, code });
      assert.equal(verified.status, 200);
      assert.equal(verified.body.complete, true);

      const done = await postJson(svc.baseUrl, `/api/v1/reset/${flow}/password`, { password: 'a brand new passphrase' });
      assert.equal(done.status, 200, JSON.stringify(done.body));
      assert.deepEqual(done.body, { done: true });
      assert.equal(done.headers.get('set-cookie'), null, 'no automatic sign-in after a reset');

      const notice = await smtp.waitFor((m) => m.to === 'alice@example.org' && /was reset/.test(m.subject));
      assert.doesNotMatch(notice.text, /a brand new passphrase/);

      const oldSignIn = await postJson(svc.baseUrl, '/api/v1/session', { username: 'alice', password: 'old password 1' });
      assert.equal(oldSignIn.status, 401);
      const signIn = await postJson(svc.baseUrl, '/api/v1/session', { username: 'alice', password: 'a brand new passphrase' });
      assert.equal(signIn.status, 200);
      assert.equal(signIn.body.user.username, 'alice');

      const again = await postJson(svc.baseUrl, `/api/v1/reset/${flow}/password`, { password: 'yet another passphrase' });
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'flow-completed');
    });

    it('answers an unknown user exactly like a known one and sends nothing', async () => {
      const known = await start('bob');
      const unknown = await start('mallory');
      assert.equal(unknown.status, known.status);
      assert.deepEqual(Object.keys(unknown.body).sort(), Object.keys(known.body).sort());
      assert.deepEqual(Object.keys(unknown.body.methods[0]).sort(), Object.keys(known.body.methods[0]).sort());
      assert.equal(unknown.body.methods[0].hint, '•••••@e•••••.org', 'a stand-in account\'s hint (decoy-ring.ts)');

      const before = smtp.messages.length;
      const sent = await postJson(svc.baseUrl, `/api/v1/reset/${unknown.body.flowId}/send`, { methodId: unknown.body.methods[0].id });
      assert.equal(sent.status, 200);
      assert.deepEqual(Object.keys(sent.body).sort(), ['expiresInSeconds', 'hint']);
      const wrong = await postJson(svc.baseUrl, `/api/v1/reset/${unknown.body.flowId}/verify`, { methodId: unknown.body.methods[0].id, code: '123456' });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.error.code, 'code-wrong');
      await svc.services.mail.drain();
      assert.equal(smtp.messages.length, before, 'no mail for an unknown user');
    });

    it('enforces step order, single use, expiry of attempts and rejects bad passwords with reasons', async () => {
      const started = await start('bob');
      const flow = started.body.flowId;
      const methodId = started.body.methods[0].id;

      const early = await postJson(svc.baseUrl, `/api/v1/reset/${flow}/password`, { password: 'whatever passphrase' });
      assert.equal(early.status, 409);
      assert.equal(early.body.error.code, 'flow-step-out-of-order');

      const noCode = await postJson(svc.baseUrl, `/api/v1/reset/${flow}/verify`, { methodId, code: '000000' });
      assert.equal(noCode.body.error.code, 'code-not-sent');

      const count = smtp.messages.length;
      await postJson(svc.baseUrl, `/api/v1/reset/${flow}/send`, { methodId });
      const code = await smtp.codeFor('bob@example.org', count);
      const wrongCode = code === '000000' ? '111111' : '000000';
      for (const remaining of [2, 1]) {
        const wrong = await postJson(svc.baseUrl, `/api/v1/reset/${flow}/verify`, { methodId, code: wrongCode });
        assert.equal(wrong.body.error.code, 'code-wrong');
        assert.match(wrong.body.error.message, new RegExp(`${remaining} (try|tries) left`));
      }
      const third = await postJson(svc.baseUrl, `/api/v1/reset/${flow}/verify`, { methodId, code: wrongCode });
      assert.equal(third.body.error.code, 'code-attempts-exhausted');
      const rightButVoid = await postJson(svc.baseUrl, `/api/v1/reset/${flow}/verify`, { methodId, code });
      assert.equal(rightButVoid.body.error.code, 'code-attempts-exhausted', 'the right code no longer works after 3 wrong tries');

      const count2 = smtp.messages.length;
      await postJson(svc.baseUrl, `/api/v1/reset/${flow}/send`, { methodId });
      const fresh = await smtp.codeFor('bob@example.org', count2);
      const ok = await postJson(svc.baseUrl, `/api/v1/reset/${flow}/verify`, { methodId, code: fresh.slice(0, 3) + ' ' + fresh.slice(3) });
      assert.equal(ok.status, 200, 'spaces inside a code are tolerated');

      const weak = await postJson(svc.baseUrl, `/api/v1/reset/${flow}/password`, { password: 'bob-1234xyz' }, { headers: { 'accept-language': 'de' } });
      assert.equal(weak.status, 400);
      assert.equal(weak.body.error.code, 'password-rejected');
      assert.ok(weak.body.error.details.reasons.some((r: any) => r.code === 'contains-username'), JSON.stringify(weak.body));
      assert.match(weak.body.error.message, /Benutzernamen/);

      const short = await postJson(svc.baseUrl, `/api/v1/reset/${flow}/password`, { password: 'ab' });
      assert.equal(short.body.error.details.reasons[0].code, 'too-short');

      const replay = await postJson(svc.baseUrl, `/api/v1/reset/${flow}/verify`, { methodId, code: fresh });
      assert.equal(replay.status, 409, 'a used code cannot be replayed once the flow moved on');
    });

    it('limits how many codes one flow may request', async () => {
      const started = await start('cleo');
      const path = `/api/v1/reset/${started.body.flowId}/send`;
      for (let i = 0; i < 5; i++) assert.equal((await postJson(svc.baseUrl, path, { methodId: started.body.methods[0].id })).status, 200);
      const sixth = await postJson(svc.baseUrl, path, { methodId: started.body.methods[0].id });
      assert.equal(sixth.status, 429);
      assert.equal(sixth.body.error.code, 'code-send-limit');
      await svc.services.mail.drain();
    });

    it('records every step in the audit log, without codes or passwords', async () => {
      const events = await svc.services.auditLog.list({ username: 'alice' });
      const names = events.map((e) => `${e.event}:${e.outcome}`);
      for (const expected of ['reset-start:success', 'reset-send:success', 'reset-verify:success', 'reset-password:success']) {
        assert.ok(names.includes(expected), `audit has ${expected}: ${names.join(' ')}`);
      }
      const start = events.find((e) => e.event === 'reset-start')!;
      assert.equal(start.ip, '127.0.0.1');
      assert.match(start.userAgent ?? '', /node/i);
      const unknown = await svc.services.auditLog.list({ username: 'mallory' });
      assert.equal(unknown[0]?.detail?.reason, 'unknown-user');
      const dump = JSON.stringify(await svc.services.auditLog.list({}));
      assert.doesNotMatch(dump, /brand new passphrase|old password 1/);
    });
  });
}
