import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../../app/services.js';
import type { CookiePolicy } from '../cookies.js';
import type { RouteRateLimit } from '../route-rate-limit.js';
import type { DirectoryUser } from '../../directory/directory.js';
import type { EnrolmentAnswer } from '../../flows/register/security-info.js';
import { methodModules, methodTypes, type MethodType } from '../../methods/index.js';
import type { z } from 'zod';
import { cookieOf } from '../request-context.js';
import { SsprError } from '../../errors/sspr-error.js';

/**
 * Where a method's enrolment steps live under /api/v1/me/methods/: `<type>` begins, `<type>/confirm` proves
 * possession. Passkeys keep the paths of the WebAuthn JSON API (`passkey/options`, then `passkey`).
 */
const pathsOf = (type: MethodType) => (type === 'passkey' ? { begin: 'passkey/options', confirm: 'passkey' } : { begin: type, confirm: `${type}/confirm` });

/**
 * The answer of a step: what the person is shown; a registration made by the step, with where the pages go
 * next — alone when nothing else is shown (the method summary), else beside it as `method`.
 */
function answerOf({ show, method }: EnrolmentAnswer): object {
  if (!method) return show;
  const next = '/account/security';
  return Object.keys(show).length === 0 ? { ...method, next } : { ...show, method, next };
}

/**
 * "Security info" as JSON for the signed-in user (session cookie): list, add (with proof of possession),
 * remove and re-confirm verification methods. Only the user's own registrations are ever touched. The add
 * routes are made for every method in `methods/index.ts`; each step parses its body with its method's schema.
 */
export async function securityInfoApi(app: FastifyInstance, services: Services, policy: CookiePolicy, rateLimit: RouteRateLimit): Promise<void> {
  const info = services.securityInfo;
  const signedIn = async (request: FastifyRequest): Promise<DirectoryUser> => {
    const user = await services.signIn.current(cookieOf(request, policy, 'session'));
    if (!user) throw new SsprError('not-signed-in');
    return user;
  };

  app.get('/api/v1/me/methods', { config: { doc: { summary: 'Security info: the registered methods and what the policy asks for', tag: 'security-info', access: 'session', errors: ['not-signed-in'] } } }, async (request) => info.overview(await signedIn(request)));
  app.get('/api/v1/me/methods/questions/choices', { config: { doc: { summary: 'The security questions one may choose from', tag: 'security-info', access: 'session', errors: ['not-signed-in'] } } }, async (request) => {
    await signedIn(request);
    return info.questionChoices();
  });

  for (const type of methodTypes) {
    const paths = pathsOf(type);
    const inputs = methodModules.find((module) => module.type === type)?.enrolmentInputs;
    const step = (summary: string, body: z.ZodType | undefined) => ({
      config: { rateLimit, doc: { summary, tag: 'security-info' as const, access: 'session' as const, errors: ['not-signed-in', 'registration-invalid'] as const, ...(body ? { body } : {}) } },
    });
    app.post(`/api/v1/me/methods/${paths.begin}`, step(`Add a method (${type}): first step`, inputs?.begin), async (request) => answerOf(await info.begin(await signedIn(request), type, request.body ?? {}, request.ctx)));
    app.post(`/api/v1/me/methods/${paths.confirm}`, step(`Add a method (${type}): proof of possession`, inputs?.confirm), async (request) => answerOf(await info.confirm(await signedIn(request), type, request.body ?? {}, request.ctx)));
  }
  app.post('/api/v1/me/methods/reconfirm', { config: { doc: { summary: 'Re-confirm that the registered methods are still current', tag: 'security-info', access: 'session', status: 204, errors: ['not-signed-in'] } } }, async (request, reply) => {
    await info.reconfirm(await signedIn(request), request.ctx);
    return reply.status(204).send();
  });
  app.delete<{ Params: { id: string } }>('/api/v1/me/methods/:id', { config: { doc: { summary: 'Remove a registered method', tag: 'security-info', access: 'session', status: 204, errors: ['not-signed-in', 'registration-not-found'] } } }, async (request, reply) => {
    await info.remove(await signedIn(request), request.params.id, request.ctx);
    return reply.status(204).send();
  });
}
