import { isIPv4, isIPv6 } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimitRepository } from '../store/rate-limit-repository.js';
import type { Clock } from '../store/clock.js';
import { SsprError } from '../errors/sspr-error.js';

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
 * The client a budget is charged to: an IPv4 address, or the /64 network of an IPv6 address (one subscriber
 * line gets a whole /64, so counting single IPv6 addresses would hand an attacker 2^64 budgets).
 */
export function budgetKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return `ip:${mapped[1]}`;
  if (isIPv4(ip) || !isIPv6(ip)) return `ip:${ip}`;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `ip6:${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
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
    const hits = await repository.hit(budgetKey(request.ip), windowStart);
    if (hits <= limit.max) return;
    reply.header('retry-after', String(Math.max(1, Math.ceil((windowStart + limit.timeWindow - now) / 1000))));
    throw new SsprError('rate-limited');
  };
}
