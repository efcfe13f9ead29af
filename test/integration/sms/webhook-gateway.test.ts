import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SmsDeliveryError } from '../../../src/sms/sms-gateway.js';
import { verifyWebhookSignature, webhookSmsGateway } from '../../../src/sms/webhook/webhook-gateway.js';
import { closedPortOrigin, startRecordingServer, type RecordingServer, type Reply } from '../../support/recording-server.js';

const secret = 'webhook-secret-for-integration-tests';
const message = { to: '+4915112345671', text: 'Your sspr code is 482913' };

/** Paths select the answer, so one server covers every case. */
const replies: Record<string, Reply> = {
  '/ok': { status: 204 },
  '/ok-with-body': { status: 200, json: { queued: true } },
  '/unauthorized': { status: 401, text: 'bad signature' },
  '/forbidden': { status: 403 },
  '/bad-request': { status: 400, json: { error: 'no' } },
  '/redirect': { status: 307 },
  '/server-error': { status: 500, text: 'boom' },
  '/hang': 'never-answer',
};

const rejectsWith = async (promise: Promise<unknown>, reason: string, status?: number) => {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof SmsDeliveryError);
    assert.equal(error.reason, reason);
    assert.equal(error.status, status);
    assert.ok(!error.message.includes('482913'), 'the code must not leak into the error');
    assert.ok(!error.message.includes(message.to), 'the number must not leak into the error');
    return true;
  });
};

describe('webhook SMS gateway against a real HTTP server', () => {
  let server: RecordingServer;
  const gatewayAt = (path: string, timeoutMs?: number) => webhookSmsGateway({ url: `${server.origin}${path}`, secret, timeoutMs });

  before(async () => {
    server = await startRecordingServer((request) => replies[request.path] ?? { status: 404 });
  });
  after(async () => {
    await server?.close();
  });

  it('POSTs the signed JSON body and resolves with its id', async () => {
    const result = await gatewayAt('/ok').send(message);
    const received = server.requests.at(-1);
    assert.ok(received);
    assert.equal(received.method, 'POST');
    assert.equal(received.path, '/ok');
    assert.equal(received.headers['content-type'], 'application/json');

    const payload = JSON.parse(received.rawBody);
    assert.deepEqual(Object.keys(payload).sort(), ['id', 'sentAt', 'text', 'to']);
    assert.equal(payload.to, message.to);
    assert.equal(payload.text, message.text);
    assert.match(payload.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(new Date(payload.sentAt).toISOString(), payload.sentAt);
    assert.equal(result.id, payload.id);

    const timestamp = String(received.headers['x-sspr-timestamp']);
    const signature = String(received.headers['x-sspr-signature']);
    assert.match(timestamp, /^\d+$/);
    assert.ok(Math.abs(Date.now() / 1000 - Number(timestamp)) < 5);
    assert.match(signature, /^sha256=[0-9a-f]{64}$/);
    const nowSeconds = Math.floor(Date.now() / 1000);
    assert.equal(verifyWebhookSignature(secret, timestamp, received.rawBody, signature, nowSeconds), true);
    assert.equal(verifyWebhookSignature('some-other-secret-of-enough-length', timestamp, received.rawBody, signature, nowSeconds), false);
    assert.equal(verifyWebhookSignature(secret, timestamp, received.rawBody, signature, nowSeconds + 600), false);
  });

  it('uses a fresh id per message', async () => {
    const first = await gatewayAt('/ok-with-body').send(message);
    const second = await gatewayAt('/ok-with-body').send(message);
    assert.notEqual(first.id, second.id);
  });

  it('maps 401 and 403 to unauthorized', async () => {
    await rejectsWith(gatewayAt('/unauthorized').send(message), 'unauthorized', 401);
    await rejectsWith(gatewayAt('/forbidden').send(message), 'unauthorized', 403);
  });

  it('maps other 4xx to rejected, and does not follow redirects', async () => {
    await rejectsWith(gatewayAt('/bad-request').send(message), 'rejected', 400);
    await rejectsWith(gatewayAt('/not-there').send(message), 'rejected', 404);
    await rejectsWith(gatewayAt('/redirect').send(message), 'rejected', 307);
  });

  it('maps 5xx to server-error', async () => {
    await rejectsWith(gatewayAt('/server-error').send(message), 'server-error', 500);
  });

  it('gives up on a server that never answers with timeout', async () => {
    const started = Date.now();
    await rejectsWith(gatewayAt('/hang', 200).send(message), 'timeout');
    assert.ok(Date.now() - started < 2000);
  });

  it('reports a closed port as network', async () => {
    const gateway = webhookSmsGateway({ url: `${await closedPortOrigin()}/ok`, secret, timeoutMs: 2000 });
    await rejectsWith(gateway.send(message), 'network');
  });

  it('refuses a recipient that is not E.164 before any request', async () => {
    const before = server.requests.length;
    await rejectsWith(gatewayAt('/ok').send({ ...message, to: '0151 12345671' }), 'invalid-number');
    assert.equal(server.requests.length, before);
  });
});
