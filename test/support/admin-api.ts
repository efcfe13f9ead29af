import assert from 'node:assert/strict';
import type { SmtpSink } from './smtp-sink.js';

export interface AdminApiResponse {
  status: number;
  body: any;
}

/** A caller of `/api/v1/admin/<path>` with an admin API token; a body is sent as JSON. `to` is read at each call (a test's
 * server and token are made in its `before`). */
export type AdminApi = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<AdminApiResponse>;

export function adminApi(to: () => { baseUrl: string; token: string }): AdminApi {
  return async (method, path, body, headers = {}) => {
    const { baseUrl, token } = to();
    const response = await fetch(`${baseUrl}/api/v1/admin/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: await response.json() };
  };
}

/** Verifies the helpdesk caller `username` by the code mailed to `address` (the directory's e-mail), asserting each step. */
export async function verifyHelpdeskCaller(api: AdminApi, smtp: SmtpSink, username: string, address: string): Promise<void> {
  const before = smtp.messages.length;
  const started = await api('POST', `helpdesk/${username}/verifications`, { method: 'directory-email' });
  assert.equal(started.status, 201, JSON.stringify(started.body));
  const code = await smtp.codeFor(address, before);
  assert.equal((await api('POST', `helpdesk/${username}/verifications/${started.body.verification}/check`, { code })).status, 200);
}
