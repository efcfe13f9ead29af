import { z } from 'zod';

/**
 * https:// everywhere; http:// only to a loopback address (a receiver on the same host, or tests), because
 * the request carries one-time codes and, for Twilio, the auth token. Credentials in the URL are refused:
 * the webhook authenticates with its HMAC secret, and a URL is not treated as a secret when printed.
 */
export const providerUrl = z.url({ protocol: /^https?$/ }).refine(isAcceptableProviderUrl, {
  message: 'must be https:// (http:// only to localhost) and carry no user:password@',
});

/** Milliseconds before a send fails with 'timeout'. */
export const providerTimeoutMs = z.number().int().min(1000).max(60_000).default(10_000);

function isAcceptableProviderUrl(value: string): boolean {
  const url = new URL(value);
  if (url.username !== '' || url.password !== '') return false;
  return url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}
