import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Headers on every response (OWASP Forgot Password / ASVS V14): a strict CSP with no inline script or style,
 * no referrer (reset pages must not leak their URL), no framing, no sniffing; HSTS when served over HTTPS.
 * Everything except static assets is `no-store`.
 */
const csp = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export function securityHeaders(https: boolean) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('content-security-policy', csp);
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=()');
    if (https || request.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    if (!request.url.startsWith('/assets/')) reply.header('cache-control', 'no-store');
  };
}
