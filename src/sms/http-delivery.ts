import { SmsDeliveryError, type SmsDeliveryReason } from './sms-gateway.js';

/** Used when a gateway is built without `timeoutMs`. */
export const DEFAULT_SMS_TIMEOUT_MS = 10_000;

/**
 * One POST to an SMS provider. Resolves with the response (any status) or throws SmsDeliveryError
 * 'timeout' / 'network'. The timeout covers connecting and the headers; callers reading the body must use
 * `readBodyText`, which keeps the same deadline. Redirects are not followed: a redirected POST would
 * carry the code to a host nobody configured.
 */
export async function postToProvider(
  kind: string,
  url: string,
  init: { headers: Record<string, string>; body: string; timeoutMs: number },
): Promise<Response> {
  try {
    return await fetch(url, {
      method: 'POST',
      headers: init.headers,
      body: init.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(init.timeoutMs),
    });
  } catch (error) {
    throw transportError(kind, error, init.timeoutMs);
  }
}

/** The response body as text; a stalled body ends in SmsDeliveryError 'timeout' like a stalled request. */
export async function readBodyText(kind: string, response: Response, timeoutMs: number): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    throw transportError(kind, error, timeoutMs);
  }
}

/** Frees the connection when the body is not needed. */
export async function discardBody(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

/** How an HTTP status that is not 2xx maps to a reason, when the provider says nothing more specific. */
export function reasonForStatus(status: number): SmsDeliveryReason {
  if (status === 401 || status === 403) return 'unauthorized';
  if (status >= 500) return 'server-error';
  return 'rejected';
}

/** fetch rejects with a TimeoutError DOMException when AbortSignal.timeout fires, a TypeError otherwise. */
function transportError(kind: string, error: unknown, timeoutMs: number): SmsDeliveryError {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return new SmsDeliveryError('timeout', `SMS ${kind} gateway did not answer within ${timeoutMs} ms`, { cause: error });
  }
  const detail = networkDetail(error);
  return new SmsDeliveryError('network', `SMS ${kind} gateway is unreachable${detail}`, { cause: error });
}

/** undici hides the socket error (ECONNREFUSED, ENOTFOUND, …) in `cause`; it names no secrets. */
function networkDetail(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? cause.code : undefined;
  return typeof code === 'string' ? ` (${code})` : '';
}
