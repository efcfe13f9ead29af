import type { RouteRateLimit } from '../route-rate-limit.js';
import { clientNetwork } from '../../policy/client-network.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CookiePolicy } from '../cookies.js';
import { cookieOf } from '../request-context.js';
import { z } from 'zod';
import type { Services } from '../../app/services.js';
import { parseBody } from './validate.js';
import { SsprError } from '../../errors/sspr-error.js';
import { checkCaptcha } from '../captcha-check.js';


const startBody = z.strictObject({ username: z.string().max(256), captcha: z.string().max(4096).optional() });
const sendBody = z.strictObject({ methodId: z.string().max(64) });
const verifyBody = z.strictObject({
  methodId: z.string().max(64),
  code: z.string().max(64).optional(),
  answers: z.array(z.strictObject({ questionId: z.string().max(64), answer: z.string().max(200) })).max(10).optional(),
  credential: z.record(z.string(), z.unknown()).optional(),
});
const passwordBody = z.strictObject({ password: z.string().max(4096) });

/** JSON API of the forgot-password flow: the same ResetFlow the pages drive. */
export async function resetApi(app: FastifyInstance, services: Services, policy: CookiePolicy, rateLimit: RouteRateLimit): Promise<void> {
  const flow = services.resetFlow;
  const flowIdFromCookie = (request: FastifyRequest) => cookieOf(request, policy, 'flow') ?? '';
  const config = { config: { rateLimit } };

  app.get('/api/v1/captcha/challenge', config, async (request) => {
    if (!services.captcha) throw new SsprError('not-found');
    return services.captcha.createChallenge(clientNetwork(request.ip));
  });

  app.post('/api/v1/reset/start', config, async (request) => {
    const { username, captcha } = parseBody(startBody, request.body);
    await checkCaptcha(services, captcha);
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

  // The reset pages' passkey button: the flow comes from the HttpOnly cookie, the method from the query.
  app.post<{ Querystring: { m?: string } }>('/api/v1/reset/passkey/options', config, async (request) => {
    const challenge = await flow.send(flowIdFromCookie(request), String(request.query.m ?? ''), request.ctx);
    return challenge.passkeyOptions ?? {};
  });
  app.post<{ Querystring: { m?: string } }>('/api/v1/reset/passkey/verify', config, async (request) => {
    const credential = parseBody(z.looseObject({ id: z.string().max(1024), response: z.record(z.string(), z.unknown()) }), request.body);
    const result = await flow.verify(flowIdFromCookie(request), String(request.query.m ?? ''), { credential }, request.ctx);
    return { ...result, next: result.complete ? '/reset/password' : '/reset/method' };
  });

  app.post<{ Params: { flowId: string } }>('/api/v1/reset/:flowId/password', config, async (request) => {
    const { password } = parseBody(passwordBody, request.body);
    return flow.setPassword(request.params.flowId, password, request.ctx);
  });

  app.post<{ Params: { flowId: string } }>('/api/v1/reset/:flowId/unlock', config, async (request) => {
    parseBody(z.strictObject({}), request.body ?? {});
    return flow.unlock(request.params.flowId, request.ctx);
  });
}
