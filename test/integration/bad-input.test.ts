import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SmtpSink } from '../support/smtp-sink.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { postJson } from '../support/json-client.js';

/** Every malformed, oversized or hostile request gets a 4xx with {error:{code,message}}; nothing changes. */
describe('bad input to the JSON API', () => {
  let smtp: SmtpSink;
  let svc: TestService;
  let flowId: string;
  let methodId: string;

  before(async () => {
    smtp = await SmtpSink.start();
    svc = await startTestService({ dialect: 'sqlite', smtpUrl: smtp.url });
    await svc.services.users.add({ username: 'carla', email: 'carla@example.org' });
    const started = await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'carla' });
    flowId = started.body.flowId;
    methodId = started.body.methods[0].id;
  });
  after(async () => {
    await svc?.close();
    await smtp?.close();
  });

  const expectError = (response: { status: number; body: any }, status: number, code: string) => {
    assert.equal(response.status, status, JSON.stringify(response.body));
    assert.equal(response.body.error.code, code);
    assert.equal(typeof response.body.error.message, 'string');
    assert.doesNotMatch(JSON.stringify(response.body), /at .*\.(ts|js):\d+/, 'no stack trace');
  };

  it('malformed JSON', async () => {
    expectError(await postJson(svc.baseUrl, '/api/v1/reset/start', null, { raw: '{"username": ' }), 400, 'malformed-json');
  });

  it('an empty body, a body that is not an object, and wrong types', async () => {
    expectError(await postJson(svc.baseUrl, '/api/v1/reset/start', null, { raw: '' }), 400, 'malformed-json');
    expectError(await postJson(svc.baseUrl, '/api/v1/reset/start', ['carla']), 400, 'invalid-request');
    expectError(await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 42 }), 400, 'invalid-request');
    expectError(await postJson(svc.baseUrl, '/api/v1/reset/start', {}), 400, 'invalid-request');
  });

  it('extra fields are refused and named', async () => {
    const response = await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'carla', admin: true });
    expectError(response, 400, 'invalid-request');
    assert.match(response.body.error.message, /admin/);
  });

  it('oversized bodies and fields', async () => {
    expectError(await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'x'.repeat(20_000) }), 413, 'payload-too-large');
    expectError(await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'x'.repeat(300) }), 400, 'invalid-request');
    expectError(await postJson(svc.baseUrl, '/api/v1/reset/start', { username: '   ' }), 400, 'invalid-request');
    expectError(await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'a\u0000b' }), 400, 'invalid-request');
  });

  it('a form post or plain text to the API is refused (JSON only)', async () => {
    const form = await fetch(svc.baseUrl + '/api/v1/reset/start', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=carla' });
    assert.equal(form.status, 415);
    assert.equal(((await form.json()) as any).error.code, 'unsupported-media-type');
    const text = await fetch(svc.baseUrl + '/api/v1/reset/start', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"username":"carla"}' });
    assert.equal(text.status, 415);
  });

  it('unknown, malformed and expired flow ids', async () => {
    expectError(await postJson(svc.baseUrl, '/api/v1/reset/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/send', { methodId }), 404, 'flow-invalid');
    expectError(await postJson(svc.baseUrl, '/api/v1/reset/short/send', { methodId }), 404, 'flow-invalid');
    expectError(await postJson(svc.baseUrl, `/api/v1/reset/${'%27%22%3Cscript%3E'.repeat(3)}/send`, { methodId }), 404, 'flow-invalid');
  });

  it('a method id that is not offered in this flow', async () => {
    expectError(await postJson(svc.baseUrl, `/api/v1/reset/${flowId}/send`, { methodId: 'not-a-method' }), 400, 'method-unknown');
  });

  it('malformed codes do not spend attempts', async () => {
    const count = smtp.messages.length;
    await postJson(svc.baseUrl, `/api/v1/reset/${flowId}/send`, { methodId });
    const code = await smtp.codeFor('carla@example.org', count);
    for (const bad of ['12345', 'abcdef', '1234567', '１２３４５６']) {
      expectError(await postJson(svc.baseUrl, `/api/v1/reset/${flowId}/verify`, { methodId, code: bad }), 400, 'code-malformed');
    }
    const ok = await postJson(svc.baseUrl, `/api/v1/reset/${flowId}/verify`, { methodId, code });
    assert.equal(ok.status, 200);
  });

  it('unknown routes and methods', async () => {
    const missing = await fetch(svc.baseUrl + '/api/v1/nothing');
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as any).error.code, 'not-found');
    const getStart = await fetch(svc.baseUrl + '/api/v1/reset/start');
    assert.equal(getStart.status, 404);
  });

  it('error messages follow Accept-Language', async () => {
    const response = await postJson(svc.baseUrl, '/api/v1/reset/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/send', { methodId }, { headers: { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' } });
    assert.match(response.body.error.message, /abgelaufen/);
  });

  it('nothing changed for the account through all of this', async () => {
    const user = await svc.services.users.get('carla');
    assert.equal(user.passwordHash, null);
    assert.equal(user.enabled, true);
  });
});
