import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../app/services.js';
import type { CookiePolicy } from '../cookies.js';
import type { RouteRateLimit } from '../route-rate-limit.js';
import type { DirectoryUser } from '../../directory/directory.js';
import { cookieOf } from '../request-context.js';
import { parseBody } from './validate.js';
import { SsprError } from '../../errors/sspr-error.js';

const emailBody = z.strictObject({ address: z.string().max(320) });
const phoneBody = z.strictObject({ phone: z.string().max(40) });
const codeBody = z.strictObject({ code: z.string().max(32) });
const totpConfirmBody = z.strictObject({ code: z.string().max(32), label: z.string().max(60).optional() });
const questionsBody = z.strictObject({
  answers: z.array(z.strictObject({ questionId: z.string().max(64), answer: z.string().max(200) })).max(10),
});
/** `{credential, label?}` from API clients, or the bare credential as the pages' passkey script posts it. */
const passkeyBody = z.union([
  z.strictObject({ credential: z.record(z.string(), z.unknown()), label: z.string().max(60).optional() }),
  z.looseObject({ id: z.string().max(1024), response: z.record(z.string(), z.unknown()) }).transform((credential) => ({ credential, label: undefined })),
]);

/**
 * "Security info" as JSON for the signed-in user (session cookie): list, add (with proof of possession),
 * remove and re-confirm verification methods. Only the user's own registrations are ever touched.
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

  app.post('/api/v1/me/methods/email', limited, async (request) => {
    const { address } = parseBody(emailBody, request.body);
    return info.beginEmail(await signedIn(request), address, request.ctx);
  });
  app.post('/api/v1/me/methods/sms', limited, async (request) => {
    const { phone } = parseBody(phoneBody, request.body);
    return info.beginSms(await signedIn(request), phone, request.ctx);
  });
  app.post<{ Params: { type: string } }>('/api/v1/me/methods/:type/confirm', limited, async (request) => {
    const user = await signedIn(request);
    const type = request.params.type;
    if (type === 'email' || type === 'sms') return info.confirmContact(user, type, parseBody(codeBody, request.body).code, request.ctx);
    if (type === 'totp') {
      const { code, label } = parseBody(totpConfirmBody, request.body);
      return info.confirmTotp(user, code, label ?? '', request.ctx);
    }
    throw new SsprError('not-found');
  });
  app.post('/api/v1/me/methods/totp', limited, async (request) => info.beginTotp(await signedIn(request)));
  app.post('/api/v1/me/methods/questions', limited, async (request) => {
    const { answers } = parseBody(questionsBody, request.body);
    return info.setQuestions(await signedIn(request), answers, request.ctx);
  });
  app.post('/api/v1/me/methods/recovery-codes', limited, async (request) => info.regenerateRecoveryCodes(await signedIn(request), request.ctx));
  app.post('/api/v1/me/methods/passkey/options', limited, async (request) => info.passkeyOptions(await signedIn(request)));
  app.post('/api/v1/me/methods/passkey', limited, async (request) => {
    const { credential, label } = parseBody(passkeyBody, request.body);
    const registered = await info.registerPasskey(await signedIn(request), credential, label ?? '', request.ctx);
    return { ...registered, next: '/account/security' };
  });
  app.post('/api/v1/me/methods/reconfirm', async (request, reply) => {
    await info.reconfirm(await signedIn(request), request.ctx);
    return reply.status(204).send();
  });
  app.delete<{ Params: { id: string } }>('/api/v1/me/methods/:id', async (request, reply) => {
    await info.remove(await signedIn(request), request.params.id, request.ctx);
    return reply.status(204).send();
  });
}
