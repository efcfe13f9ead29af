import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimitRepository } from '../store/rate-limit-repository.js';
import type { Clock } from '../store/clock.js';
import { SsprError } from '../errors/sspr-error.js';
import { clientNetwork } from '../policy/client-network.js';

/**
 * Marks a route as drawing from the per-IP budget (`config.rateLimit`); false = no limit (perIpPerMinute 0).
 * Every marked route draws from the SAME budget of its client: credential guesses spread over the API and the
 * pages, or over sign-in, reset and enrolment, add up.
 */
export type RouteRateLimit = { max: number; timeWindow: number } | false;

declare module 'fastify' {
  interface FastifyContextConfig {
    rateLimit?: RouteRateLimit;
  }
}

/**
 * The onRequest hook that charges each marked request to its client's budget in the store (so the budget
 * holds across nodes sharing a database) and answers 429 with Retry-After once it is spent.
 */
export function perIpBudget(repository: RateLimitRepository, clock: Clock) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const limit = request.routeOptions.config.rateLimit;
    if (!limit) return;
    const now = clock.now();
    const windowStart = now - (now % limit.timeWindow);
    const hits = await repository.hit(clientNetwork(request.ip), windowStart);
    if (hits <= limit.max) return;
    reply.header('retry-after', String(Math.max(1, Math.ceil((windowStart + limit.timeWindow - now) / 1000))));
    throw new SsprError('rate-limited');
  };
}
