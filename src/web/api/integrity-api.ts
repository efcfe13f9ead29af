import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../app/services.js';
import type { RouteRateLimit } from '../route-rate-limit.js';
import { parseBody } from './validate.js';
import { checkCaptcha } from '../captcha-check.js';

const tokenBody = z.strictObject({ token: z.string().max(128) });
const reminderBody = z.strictObject({ address: z.string().max(256), captcha: z.string().max(4096).optional() });

/**
 * JSON face of "this wasn't me" (look at a link, then confirm it) and of the forgotten user name (always
 * `202 {accepted: true}` for a well-formed address, matched or not).
 */
export async function integrityApi(app: FastifyInstance, services: Services, rateLimit: RouteRateLimit): Promise<void> {
  const limited = { config: { rateLimit } };
  const { freeze, usernameReminder } = services.integrity;

  app.post('/api/v1/not-me/preview', limited, async (request) => {
    const { token } = parseBody(tokenBody, request.body);
    const preview = await freeze.preview(token, request.ctx);
    return { notice: preview.notice, at: preview.at.toISOString() };
  });

  app.post('/api/v1/not-me/confirm', limited, async (request) => {
    const { token } = parseBody(tokenBody, request.body);
    await freeze.confirm(token, request.ctx);
    return { frozen: true };
  });

  app.post('/api/v1/username-reminder', limited, async (request, reply) => {
    const { address, captcha } = parseBody(reminderBody, request.body);
    await checkCaptcha(services, captcha);
    usernameReminder.request(address, request.ctx);
    return reply.status(202).send({ accepted: true });
  });
}
