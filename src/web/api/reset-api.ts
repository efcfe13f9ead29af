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
import type { ApiDoc } from './openapi/api-doc.js';


const startBody = z.strictObject({ username: z.string().max(256), captcha: z.string().max(4096).optional() });
const sendBody = z.strictObject({ methodId: z.string().max(64) });
const verifyBody = z.strictObject({
  methodId: z.string().max(64),
  code: z.string().max(64).optional(),
  answers: z.array(z.strictObject({ questionId: z.string().max(64), answer: z.string().max(200) })).max(10).optional(),
  credential: z.record(z.string(), z.unknown()).optional(),
});
const passwordBody = z.strictObject({ password: z.string().max(4096) });
const emptyBody = z.strictObject({});
const passkeyQuery = z.object({ m: z.string().max(64) });
const passkeyAssertion = z.looseObject({ id: z.string().max(1024), response: z.record(z.string(), z.unknown()) });

/** JSON API of the forgot-password flow: the same ResetFlow the pages drive. */
export async function resetApi(app: FastifyInstance, services: Services, policy: CookiePolicy, rateLimit: RouteRateLimit): Promise<void> {
  const flow = services.resetFlow;
  const flowIdFromCookie = (request: FastifyRequest) => cookieOf(request, policy, 'flow') ?? '';
  const limited = (doc: ApiDoc) => ({ config: { rateLimit, doc } });

  app.get('/api/v1/captcha/challenge', limited({ summary: 'A proof-of-work challenge (ALTCHA) to solve before starting a reset', tag: 'reset', access: 'public', errors: ['not-found'] }), async (request) => {
    if (!services.captcha) throw new SsprError('not-found');
    return services.captcha.createChallenge(clientNetwork(request.ip));
  });

  app.post('/api/v1/reset/start', limited({
    summary: 'Start a reset for a user name: the methods offered and how many to verify',
    description: 'Answers alike whether or not the user exists (stand-in methods for unknown names).',
    tag: 'reset', access: 'public', body: startBody, errors: ['captcha-failed', 'throttled'],
    example: { body: { username: 'alice', captcha: '<solved ALTCHA payload>' } },
  }), async (request) => {
    const { username, captcha } = parseBody(startBody, request.body);
    await checkCaptcha(services, captcha);
    const started = await flow.start(username, request.ctx);
    return { flowId: started.flowId, methods: started.methods, required: started.required, expiresAt: new Date(started.expiresAt).toISOString() };
  });

  app.post<{ Params: { flowId: string } }>('/api/v1/reset/:flowId/send', limited({
    summary: 'Send a code to one of the offered methods (or begin the method: questions, passkey options)',
    tag: 'reset', access: 'public', body: sendBody, errors: ['flow-invalid', 'flow-step-out-of-order', 'code-send-limit', 'throttled'],
    example: { body: { methodId: 'm1' } },
  }), async (request) => {
    const { methodId } = parseBody(sendBody, request.body);
    return flow.send(request.params.flowId, methodId, request.ctx);
  });

  app.post<{ Params: { flowId: string } }>('/api/v1/reset/:flowId/verify', limited({
    summary: 'Verify one method: a code, the answers to security questions, or a passkey assertion',
    tag: 'reset', access: 'public', body: verifyBody, errors: ['flow-invalid', 'code-not-sent', 'code-wrong', 'code-expired', 'code-attempts-exhausted', 'throttled'],
    example: { body: { methodId: 'm1', code: '48213907' } },
  }), async (request) => {
    const { methodId, ...input } = parseBody(verifyBody, request.body);
    return flow.verify(request.params.flowId, methodId, input, request.ctx);
  });

  // The reset pages' passkey button: the flow comes from the HttpOnly cookie, the method from the query.
  app.post<{ Querystring: { m?: string } }>('/api/v1/reset/passkey/options', limited({
    summary: "The reset pages' passkey button: WebAuthn options for the flow in the cookie", tag: 'reset', access: 'public', query: passkeyQuery, errors: ['flow-invalid'],
  }), async (request) => {
    const challenge = await flow.send(flowIdFromCookie(request), String(request.query.m ?? ''), request.ctx);
    return challenge.passkeyOptions ?? {};
  });
  app.post<{ Querystring: { m?: string } }>('/api/v1/reset/passkey/verify', limited({
    summary: "The reset pages' passkey button: verify the assertion for the flow in the cookie", tag: 'reset', access: 'public', query: passkeyQuery, body: passkeyAssertion, errors: ['flow-invalid'],
  }), async (request) => {
    const credential = parseBody(passkeyAssertion, request.body);
    const result = await flow.verify(flowIdFromCookie(request), String(request.query.m ?? ''), { credential }, request.ctx);
    return { ...result, next: result.complete ? '/reset/password' : '/reset/method' };
  });

  app.post<{ Params: { flowId: string } }>('/api/v1/reset/:flowId/password', limited({
    summary: 'Set the new password once enough methods are verified (written back to the directory first)',
    tag: 'reset', access: 'public', body: passwordBody, errors: ['flow-invalid', 'flow-step-out-of-order', 'flow-completed', 'password-rejected'],
    example: { body: { password: 'correct horse battery staple' } },
  }), async (request) => {
    const { password } = parseBody(passwordBody, request.body);
    return flow.setPassword(request.params.flowId, password, request.ctx);
  });

  app.post<{ Params: { flowId: string } }>('/api/v1/reset/:flowId/unlock', limited({
    summary: 'Unlock the directory account without changing the password', tag: 'reset', access: 'public', body: emptyBody, errors: ['flow-invalid', 'flow-step-out-of-order'],
    example: { body: {} },
  }), async (request) => {
    parseBody(emptyBody, request.body ?? {});
    return flow.unlock(request.params.flowId, request.ctx);
  });
}
