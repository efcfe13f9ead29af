import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SmsDeliveryError } from '../../../src/sms/sms-gateway.js';
import { twilioSmsGateway, type TwilioGatewayOptions } from '../../../src/sms/twilio/twilio-gateway.js';
import { closedPortOrigin, startRecordingServer, type RecordingServer, type Reply } from '../../support/recording-server.js';

const accountSid = `AC${'0123456789abcdef'.repeat(2)}`;
const authToken = 'f'.repeat(32);
const messagingServiceSid = `MG${'fedcba9876543210'.repeat(2)}`;
const messageSid = `SM${'a'.repeat(32)}`;
const message = { to: '+4915112345671', text: 'Your sspr code is 482913 & nothing else' };

/** What Twilio answers with for an error: https://www.twilio.com/docs/usage/twilios-response */
const twilioError = (status: number, code: number, text: string): Reply => ({
  status,
  json: { code, message: text, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
});

describe('Twilio SMS gateway against a real HTTP server', () => {
  let server: RecordingServer;
  let nextReply: Reply;
  const gateway = (options: Partial<TwilioGatewayOptions> = {}) =>
    twilioSmsGateway({ accountSid, authToken, from: '+4930555000', baseUrl: server.origin, ...options });

  const rejectsWith = async (reply: Reply, reason: string, status: number | undefined, providerCode?: number, timeoutMs?: number) => {
    nextReply = reply;
    await assert.rejects(gateway({ timeoutMs }).send(message), (error: unknown) => {
      assert.ok(error instanceof SmsDeliveryError);
      assert.equal(error.reason, reason);
      assert.equal(error.status, status);
      assert.equal(error.providerCode, providerCode);
      assert.ok(!error.message.includes('482913'), 'the code must not leak into the error');
      assert.ok(!error.message.includes(message.to), 'the number must not leak into the error');
      return true;
    });
  };

  before(async () => {
    server = await startRecordingServer(() => nextReply);
  });
  beforeEach(() => {
    nextReply = { status: 201, json: { sid: messageSid, status: 'queued' } };
  });
  after(async () => {
    await server?.close();
  });

  it('POSTs the form to the Messages resource with Basic auth and resolves with the message SID', async () => {
    const result = await gateway().send(message);
    assert.deepEqual(result, { id: messageSid });

    const received = server.requests.at(-1);
    assert.ok(received);
    assert.equal(received.method, 'POST');
    assert.equal(received.path, `/2010-04-01/Accounts/${accountSid}/Messages.json`);
    assert.equal(received.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(received.headers.authorization, `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`);

    const form = new URLSearchParams(received.rawBody);
    assert.deepEqual([...form.keys()].sort(), ['Body', 'From', 'To']);
    assert.equal(form.get('To'), message.to);
    assert.equal(form.get('Body'), message.text);
    assert.equal(form.get('From'), '+4930555000');
  });

  it('sends MessagingServiceSid instead of From when configured so', async () => {
    await gateway({ from: undefined, messagingServiceSid }).send(message);
    const form = new URLSearchParams(server.requests.at(-1)?.rawBody);
    assert.deepEqual([...form.keys()].sort(), ['Body', 'MessagingServiceSid', 'To']);
    assert.equal(form.get('MessagingServiceSid'), messagingServiceSid);
  });

  it('needs exactly one of from and messagingServiceSid at construction', () => {
    assert.throws(() => gateway({ from: undefined }), /exactly one/);
    assert.throws(() => gateway({ messagingServiceSid }), /exactly one/);
  });

  it('accepts a 2xx answer without a sid rather than risk a second SMS', async () => {
    nextReply = { status: 201, text: 'not json' };
    assert.deepEqual(await gateway().send(message), {});
  });

  it('maps invalid and unreachable numbers to invalid-number', async () => {
    await rejectsWith(twilioError(400, 21211, `The 'To' number ${message.to} is not a valid phone number.`), 'invalid-number', 400, 21211);
    await rejectsWith(twilioError(400, 21614, `'To' number ${message.to} is not a mobile number`), 'invalid-number', 400, 21614);
    await rejectsWith(twilioError(400, 21408, 'Permission to send an SMS has not been enabled'), 'invalid-number', 400, 21408);
  });

  it('maps authentication failures to unauthorized', async () => {
    await rejectsWith(twilioError(401, 20003, 'Authenticate'), 'unauthorized', 401, 20003);
    await rejectsWith({ status: 401, text: '' }, 'unauthorized', 401);
    await rejectsWith(twilioError(403, 20003, 'Authenticate'), 'unauthorized', 403, 20003);
  });

  it('maps other refusals to rejected and Twilio failures to server-error', async () => {
    await rejectsWith(twilioError(400, 21602, 'Message body is required.'), 'rejected', 400, 21602);
    await rejectsWith(twilioError(429, 20429, 'Too Many Requests'), 'rejected', 429, 20429);
    await rejectsWith({ status: 500, text: '<html>oops</html>' }, 'server-error', 500);
    await rejectsWith(twilioError(503, 20500, 'Internal Server Error'), 'server-error', 503, 20500);
  });

  it('gives up on a server that never answers with timeout', async () => {
    await rejectsWith('never-answer', 'timeout', undefined, undefined, 200);
  });

  it('gives up on an answer whose body stalls with timeout, within the same deadline', async () => {
    await rejectsWith('stall-body', 'timeout', undefined, undefined, 200);
  });

  it('reports a closed port as network', async () => {
    const unreachable = twilioSmsGateway({ accountSid, authToken, from: '+4930555000', baseUrl: await closedPortOrigin() });
    await assert.rejects(unreachable.send(message), (error: unknown) => error instanceof SmsDeliveryError && error.reason === 'network');
  });
});
