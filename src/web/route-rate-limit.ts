/** Per-route limit handed to @fastify/rate-limit (`config.rateLimit`); false = no limit (perIpPerMinute 0). */
export type RouteRateLimit = { max: number; timeWindow: number } | false;
