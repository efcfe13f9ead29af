import type { z } from 'zod';
import type { ErrorCode } from '../../../errors/catalogue.js';

/** The groups of the JSON API, in the order the document lists them. */
export const apiTags = ['reset', 'session', 'security-info', 'password', 'admin', 'agent', 'service'] as const;
export type ApiTag = (typeof apiTags)[number];

/**
 * Who may call a route: anyone (`public`), a signed-in user (the session cookie from POST /api/v1/session),
 * an operator (an admin API token with the route's scope, or a stepped-up console session), or an enrolled agent.
 */
export const apiAccess = ['public', 'session', 'operator', 'agent'] as const;
export type ApiAccess = (typeof apiAccess)[number];

/**
 * What the OpenAPI document says of one route. The schemas are the very ones the handler parses its input
 * with (zod is the one source); `example` values must satisfy them (a test checks it).
 */
export interface ApiDoc {
  summary: string;
  description?: string;
  tag: ApiTag;
  access: ApiAccess;
  body?: z.ZodType;
  query?: z.ZodType;
  response?: z.ZodType;
  /** The success status (default 200; 204 means no body). */
  status?: 200 | 201 | 202 | 204;
  /** Error codes the route answers with beyond the ones every route may give. */
  errors?: readonly ErrorCode[];
  example?: { body?: unknown; response?: unknown };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    doc?: ApiDoc;
  }
}
