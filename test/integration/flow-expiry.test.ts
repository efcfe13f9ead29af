import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SmtpSink } from '../support/smtp-sink.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { postJson } from '../support/json-client.js';
import { ManualClock } from '../support/manual-clock.js';

describe('lifetimes: codes last 5 minutes, a flow 15 minutes (controllable clock)', () => {
  let smtp: SmtpSink;
  let svc: TestService;
  const clock = new ManualClock();

  before(async () => {
    smtp = await SmtpSink.start();
    svc = await startTestService({ dialect: 'sqlite', smtpUrl: smtp.url, clock });
    await svc.services.users.add({ username: 'dora', email: 'dora@example.org' });
  });
  after(async () => {
    await svc?.close();
    await smtp?.close();
  });

  const begin = async () => {
    const started = await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'dora' });
    const { flowId } = started.body;
    const methodId = started.body.methods[0].id;
    const count = smtp.messages.length;
    await postJson(svc.baseUrl, `/api/v1/reset/${flowId}/send`, { methodId });
    return { flowId, methodId, code: await smtp.codeFor('dora@example.org', count) };
  };

  it('a code older than 5 minutes is refused, a new one works', async () => {
    const { flowId, methodId, code } = await begin();
    clock.advance(5 * 60_000 + 1);
    const late = await postJson(svc.baseUrl, `/api/v1/reset/${flowId}/verify`, { methodId, code });
    assert.equal(late.body.error.code, 'code-expired');
    const count = smtp.messages.length;
    await postJson(svc.baseUrl, `/api/v1/reset/${flowId}/send`, { methodId });
    const fresh = await smtp.codeFor('dora@example.org', count);
    const ok = await postJson(svc.baseUrl, `/api/v1/reset/${flowId}/verify`, { methodId, code: fresh });
    assert.equal(ok.status, 200);
  });

  it('an earlier code stops working once a new one is sent', async () => {
    const first = await begin();
    const count = smtp.messages.length;
    await postJson(svc.baseUrl, `/api/v1/reset/${first.flowId}/send`, { methodId: first.methodId });
    const second = await smtp.codeFor('dora@example.org', count);
    if (second !== first.code) {
      const old = await postJson(svc.baseUrl, `/api/v1/reset/${first.flowId}/verify`, { methodId: first.methodId, code: first.code });
      assert.equal(old.body.error.code, 'code-wrong');
    }
    assert.equal((await postJson(svc.baseUrl, `/api/v1/reset/${first.flowId}/verify`, { methodId: first.methodId, code: second })).status, 200);
  });

  it('a verified flow cannot set a password after 15 minutes', async () => {
    const { flowId, methodId, code } = await begin();
    assert.equal((await postJson(svc.baseUrl, `/api/v1/reset/${flowId}/verify`, { methodId, code })).status, 200);
    clock.advance(15 * 60_000 + 1);
    const late = await postJson(svc.baseUrl, `/api/v1/reset/${flowId}/password`, { password: 'correct horse battery' });
    assert.equal(late.status, 404);
    assert.equal(late.body.error.code, 'flow-invalid');
    assert.equal((await svc.services.users.get('dora')).passwordHash, null);
  });

  it('concurrent verifications of one code: exactly one wins', async () => {
    const { flowId, methodId, code } = await begin();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => postJson(svc.baseUrl, `/api/v1/reset/${flowId}/verify`, { methodId, code })),
    );
    assert.equal(results.filter((r) => r.status === 200).length, 1, results.map((r) => r.status).join(','));
  });
});
