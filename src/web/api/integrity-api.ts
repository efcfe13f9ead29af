import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../app/services.js';
import type { RouteRateLimit } from '../route-rate-limit.js';
import type { ApiDoc } from './openapi/api-doc.js';
import { parseBody } from './validate.js';
import { checkCaptcha } from '../captcha-check.js';

const tokenBody = z.strictObject({ token: z.string().max(128) });
const reminderBody = z.strictObject({ address: z.string().max(256), captcha: z.string().max(4096).optional() });
const notices = ['reset', 'change', 'unlock', 'methodAdded', 'methodRemoved'] as const;
const previewResponse = z.object({ notice: z.enum(notices), at: z.string() });
const EXAMPLE_TOKEN = 'q3Vb0J9xk2mFJwH4cT5nY8uLr1eA6sD7gP0oZiXvKbM';

/**
 * JSON face of "this wasn't me" (look at a link, then confirm it) and of the forgotten user name (always
 * `202 {accepted: true}` for a well-formed address, matched or not).
 */
export async function integrityApi(app: FastifyInstance, services: Services, rateLimit: RouteRateLimit): Promise<void> {
  const limited = (doc: ApiDoc) => ({ config: { rateLimit, doc } });
  const { freeze, usernameReminder } = services.integrity;

  app.post('/api/v1/not-me/preview', limited({
    summary: 'What a "this wasn\'t me" link from a notice reports (uses nothing)',
    tag: 'reset', access: 'public', body: tokenBody, response: previewResponse, errors: ['not-me-link-invalid'],
    example: { body: { token: EXAMPLE_TOKEN }, response: { notice: 'reset', at: '2026-12-06T09:30:00.000Z' } },
  }), async (request) => {
    const { token } = parseBody(tokenBody, request.body);
    const preview = await freeze.preview(token, request.ctx);
    return { notice: preview.notice, at: preview.at.toISOString() };
  });

  app.post('/api/v1/not-me/confirm', limited({
    summary: 'Use a "this wasn\'t me" link: freeze self-service for its account, end its sessions, alert the administrators',
    description: 'Single use; a used, expired or unknown link is 410 not-me-link-invalid.',
    tag: 'reset', access: 'public', body: tokenBody, response: z.object({ frozen: z.literal(true) }), errors: ['not-me-link-invalid'],
    example: { body: { token: EXAMPLE_TOKEN }, response: { frozen: true } },
  }), async (request) => {
    const { token } = parseBody(tokenBody, request.body);
    await freeze.confirm(token, request.ctx);
    return { frozen: true };
  });

  app.post('/api/v1/username-reminder', limited({
    summary: 'Send the user names registered at an e-mail address or mobile number to that address',
    description: 'The same answer whether or not anything matched; at most 2 messages per address and 10 minutes.',
    tag: 'reset', access: 'public', body: reminderBody, status: 202, response: z.object({ accepted: z.literal(true) }), errors: ['captcha-failed'],
    example: { body: { address: 'alice@example.org', captcha: '<solved ALTCHA payload>' }, response: { accepted: true } },
  }), async (request, reply) => {
    const { address, captcha } = parseBody(reminderBody, request.body);
    await checkCaptcha(services, captcha);
    usernameReminder.request(address, request.ctx);
    return reply.status(202).send({ accepted: true });
  });
}
