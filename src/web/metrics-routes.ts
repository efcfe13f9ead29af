import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Services } from '../app/services.js';
import { SsprError } from '../errors/sspr-error.js';
import { negotiateLang } from '../i18n/lang.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** True when the request carries `Authorization: Bearer <token>` (compared in constant time). */
function bearerMatches(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization ?? '';
  const given = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header)?.[1];
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

/**
 * GET /metrics in the Prometheus text format. With `metrics.token` set, only with that bearer token (401
 * otherwise, before any work is done), so a scrape cannot be used to load the store by strangers.
 */
function metricsHandler(services: Services) {
  const token = services.config.metrics.token;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (token !== undefined && !bearerMatches(request, token)) {
      const error = new SsprError('metrics-token-invalid');
      const lang = request.ctx?.lang ?? negotiateLang(undefined, request.headers['accept-language']);
      return reply.status(401).header('www-authenticate', 'Bearer realm="metrics"').type('application/json; charset=utf-8').send({ error: { code: error.code, message: error.messageIn(lang) } });
    }
    const { contentType, body } = await services.metrics.scrape();
    return reply.type(contentType).header('cache-control', 'no-store').send(body);
  };
}

/** /metrics on the main port: only when a token protects it and no port of its own is configured. */
export async function metricsOnMainPort(app: FastifyInstance, services: Services): Promise<void> {
  const { port, token } = services.config.metrics;
  if (port === undefined && token !== undefined) app.get('/metrics', { logLevel: 'debug' }, metricsHandler(services));
}

/** The metrics port of its own (`metrics.port`), listening; null when none is configured. */
export async function startMetricsServer(services: Services, port = services.config.metrics.port): Promise<FastifyInstance | null> {
  if (port === undefined) return null;
  const app = Fastify({ logger: false });
  app.get('/metrics', metricsHandler(services));
  await app.listen({ port, host: services.config.metrics.host });
  return app;
}
