import type { RouteRateLimit } from '../route-rate-limit.js';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../app/services.js';
import { parseBody } from './validate.js';

const startBody = z.strictObject({ username: z.string().max(256) });
const sendBody = z.strictObject({ methodId: z.string().max(64) });
const verifyBody = z.strictObject({
  methodId: z.string().max(64),
  code: z.string().max(64).optional(),
  answers: z.array(z.strictObject({ questionId: z.string().max(64), answer: z.string().max(200) })).max(10).optional(),
  credential: z.record(z.string(), z.unknown()).optional(),
});
const passwordBody = z.strictObject({ password: z.string().max(4096) });

/** JSON API of the forgot-password flow: the same ResetFlow the pages drive. */
export async function resetApi(app: FastifyInstance, services: Services, rateLimit: RouteRateLimit): Promise<void> {
  const flow = services.resetFlow;
  const config = { config: { rateLimit } };

  app.post('/api/v1/reset/start', config, async (request) => {
    const { username } = parseBody(startBody, request.body);
    const started = await flow.start(username, request.ctx);
    return { flowId: started.flowId, methods: started.methods, required: started.required, expiresAt: new Date(started.expiresAt).toISOString() };
  });

  app.post<{ Params: { flowId: string } }>('/api/v1/reset/:flowId/send', config, async (request) => {
    const { methodId } = parseBody(sendBody, request.body);
    return flow.send(request.params.flowId, methodId, request.ctx);
  });

  app.post<{ Params: { flowId: string } }>('/api/v1/reset/:flowId/verify', config, async (request) => {
    const { methodId, ...input } = parseBody(verifyBody, request.body);
    return flow.verify(request.params.flowId, methodId, input, request.ctx);
  });

  app.post<{ Params: { flowId: string } }>('/api/v1/reset/:flowId/password', config, async (request) => {
    const { password } = parseBody(passwordBody, request.body);
    return flow.setPassword(request.params.flowId, password, request.ctx);
  });
}
