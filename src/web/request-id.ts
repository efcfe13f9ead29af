import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What a caller's X-Request-Id may be: up to 128 characters of a safe set (no spaces, quotes, CR/LF, control characters). */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/**
 * The id of a request: the caller's `X-Request-Id` when it is one value of the safe set (a proxy's or load
 * balancer's id, so log lines can be joined across hops), else a fresh UUID. It is echoed in the answer and
 * carried by every log line of the request (`reqId`); a hostile value never reaches a log or a header.
 */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
}
