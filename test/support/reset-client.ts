import assert from 'node:assert/strict';
import { postJson } from './json-client.js';
import type { SmtpSink } from './smtp-sink.js';

/**
 * Starts a reset for `username` on the service at `baseUrl`, has the code mailed to `address` (the first offered
 * method, e-mail), verifies it, and returns the flow's API path (`/api/v1/reset/{flowId}`) ready for
 * `/password` or `/unlock`.
 */
export async function verifiedResetFlow(baseUrl: string, smtp: SmtpSink, username: string, address: string): Promise<string> {
  const started = await postJson(baseUrl, '/api/v1/reset/start', { username });
  const method = started.body.methods[0];
  const count = smtp.messages.length;
  await postJson(baseUrl, `/api/v1/reset/${started.body.flowId}/send`, { methodId: method.id });
  const code = await smtp.codeFor(address, count);
  assert.equal((await postJson(baseUrl, `/api/v1/reset/${started.body.flowId}/verify`, { methodId: method.id, code })).status, 200);
  return `/api/v1/reset/${started.body.flowId}`;
}
