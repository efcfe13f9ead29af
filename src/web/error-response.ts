import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { SsprError, toSsprError } from '../errors/sspr-error.js';

/**
 * Turns anything thrown into an SsprError (oidc-provider's err_out idea): Fastify's own body and parser
 * errors get their stable codes; anything unknown becomes `internal`, is logged with its stack, and the
 * client sees only the generic sentence.
 */
export function normaliseError(error: unknown, request: FastifyRequest): SsprError {
  if (error instanceof SsprError) return error;
  const fastifyError = error as Partial<FastifyError> & { validation?: unknown };
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new SsprError('payload-too-large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new SsprError('unsupported-media-type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new SsprError('malformed-json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new SsprError('invalid-request', { params: { problem: 'contentLength' } });
  }
  if (fastifyError instanceof SyntaxError || (fastifyError.statusCode === 400 && /JSON/i.test(fastifyError.message ?? ''))) {
    return new SsprError('malformed-json');
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    if (fastifyError.statusCode === 413) return new SsprError('payload-too-large');
    if (fastifyError.statusCode === 415) return new SsprError('unsupported-media-type');
    if (fastifyError.statusCode === 429) return new SsprError('rate-limited');
    return new SsprError('invalid-request', { params: { problem: 'unreadable' }, detail: fastifyError.message ?? '' });
  }
  const wrapped = toSsprError(error);
  request.log.error({ err: error }, 'unexpected error');
  return wrapped;
}

export function sendApiError(reply: FastifyReply, error: SsprError, request: FastifyRequest): FastifyReply {
  const body: { error: { code: string; message: string; detail?: string; details?: unknown } } = {
    error: { code: error.code, message: error.messageIn(request.ctx.lang) },
  };
  if (error.expose && error.detail) body.error.detail = error.detail;
  if (error.expose && error.details !== undefined) body.error.details = error.details;
  return reply.status(error.status).type('application/json; charset=utf-8').send(body);
}
