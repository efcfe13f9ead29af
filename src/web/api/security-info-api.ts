import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../../app/services.js';
import type { CookiePolicy } from '../cookies.js';
import type { RouteRateLimit } from '../route-rate-limit.js';
import type { DirectoryUser } from '../../directory/directory.js';
import type { EnrolmentAnswer } from '../../flows/register/security-info.js';
import { methodTypes, type MethodType } from '../../methods/index.js';
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
  const limited = { config: { rateLimit } };
  const signedIn = async (request: FastifyRequest): Promise<DirectoryUser> => {
    const user = await services.signIn.current(cookieOf(request, policy, 'session'));
    if (!user) throw new SsprError('not-signed-in');
    return user;
  };

  app.get('/api/v1/me/methods', async (request) => info.overview(await signedIn(request)));
  app.get('/api/v1/me/methods/questions/choices', async (request) => {
    await signedIn(request);
    return info.questionChoices();
  });

  for (const type of methodTypes) {
    const paths = pathsOf(type);
    app.post(`/api/v1/me/methods/${paths.begin}`, limited, async (request) => answerOf(await info.begin(await signedIn(request), type, request.body ?? {}, request.ctx)));
    app.post(`/api/v1/me/methods/${paths.confirm}`, limited, async (request) => answerOf(await info.confirm(await signedIn(request), type, request.body ?? {}, request.ctx)));
  }
  app.post('/api/v1/me/methods/reconfirm', async (request, reply) => {
    await info.reconfirm(await signedIn(request), request.ctx);
    return reply.status(204).send();
  });
  app.delete<{ Params: { id: string } }>('/api/v1/me/methods/:id', async (request, reply) => {
    await info.remove(await signedIn(request), request.params.id, request.ctx);
    return reply.status(204).send();
  });
}
