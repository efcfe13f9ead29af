import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../../app/services.js';
import type { CookiePolicy } from '../../cookies.js';
import type { RouteRateLimit } from '../../route-rate-limit.js';
import type { DirectoryUser } from '../../../directory/directory.js';
import { parseBody } from '../validate.js';
import { cookieOf } from '../../request-context.js';
import { SsprError } from '../../../errors/sspr-error.js';
import { isConsoleOperator, safeNext } from '../../admin/console-access.js';

/** The signed-in operator's session, or 401 `not-signed-in` / 403 `admin-only` (only operators step up). */
export async function operatorSession(services: Services, policy: CookiePolicy, request: FastifyRequest): Promise<{ user: DirectoryUser; digest: string }> {
  const session = await services.signIn.session(cookieOf(request, policy, 'session'));
  if (!session) throw new SsprError('not-signed-in');
  if (!(await isConsoleOperator(services, session.user))) throw new SsprError('admin-only');
  return session;
}

const sendBody = z.strictObject({ methodId: z.string().min(1).max(64) });
const verifyBody = z.strictObject({ methodId: z.string().min(1).max(64), code: z.string().max(64).optional(), credential: z.record(z.string(), z.unknown()).optional() });
const passkeyCredential = z.looseObject({ id: z.string().max(1024), response: z.record(z.string(), z.unknown()) });

/**
 * The console step-up as JSON, for the browser session of an operator (API tokens never step up):
 * - `GET /api/v1/session/step-up`: the methods offered, and when the session last stepped up;
 * - `POST /api/v1/session/step-up/send {methodId}`: sends a code (e-mail, SMS) or answers passkey options;
 * - `POST /api/v1/session/step-up/verify {methodId, code | credential}`: the proof; the session then opens the console.
 * The passkey script's pair (`…/passkey/options?m=`, `…/passkey/verify?m=&next=`) answers `{next}` for the page.
 */
export async function stepUpApi(app: FastifyInstance, services: Services, policy: CookiePolicy, rateLimit: RouteRateLimit): Promise<void> {
  const consoleSessions = services.consoleSessions;

  app.get('/api/v1/session/step-up', {
    config: { doc: { summary: "The step-up methods offered to the operator's session, and when it last stepped up", tag: 'session', access: 'session', errors: ['not-signed-in', 'admin-only', 'console-session-ended'] } },
  }, async (request, reply) => {
    const { user, digest } = await operatorSession(services, policy, request);
    const state = await consoleSessions.state(digest, user, request.ctx);
    const methods = await consoleSessions.options(digest, user, request.ctx);
    const recentUntil = state ? state.steppedUpAt + consoleSessions.settings.recentMs : null;
    return reply.header('cache-control', 'no-store').send({
      methods,
      steppedUpAt: state ? new Date(state.steppedUpAt).toISOString() : null,
      recentUntil: recentUntil === null ? null : new Date(recentUntil).toISOString(),
    });
  });

  app.post('/api/v1/session/step-up/send', {
    config: { rateLimit, doc: { summary: 'Send a step-up code (e-mail, SMS), or answer passkey options', tag: 'session', access: 'session', body: sendBody, errors: ['not-signed-in', 'admin-only', 'console-session-ended', 'method-unknown', 'code-send-limit', 'sign-in-throttled'], example: { body: { methodId: 'email-1' } } } },
  }, async (request) => {
    const { user, digest } = await operatorSession(services, policy, request);
    const { methodId } = parseBody(sendBody, request.body);
    await consoleSessions.state(digest, user, request.ctx);
    return consoleSessions.send(digest, user, methodId, request.ctx);
  });

  app.post('/api/v1/session/step-up/verify', {
    config: { rateLimit, doc: { summary: 'Prove the step-up (a code, or a passkey credential); the session then opens the console', tag: 'session', access: 'session', body: verifyBody, errors: ['not-signed-in', 'admin-only', 'console-session-ended', 'method-unknown', 'code-wrong', 'code-expired', 'passkey-failed', 'sign-in-throttled'], example: { body: { methodId: 'email-1', code: '123456' } } } },
  }, async (request) => {
    const { user, digest } = await operatorSession(services, policy, request);
    const { methodId, code, credential } = parseBody(verifyBody, request.body);
    await consoleSessions.state(digest, user, request.ctx);
    await consoleSessions.verify(digest, user, methodId, { ...(code === undefined ? {} : { code }), ...(credential === undefined ? {} : { credential }) }, request.ctx);
    return { steppedUp: true };
  });

  app.post<{ Querystring: { m?: string } }>('/api/v1/session/step-up/passkey/options', {
    config: { rateLimit, doc: { summary: 'Passkey options for the step-up (`?m=` the method id), for the console page script', tag: 'session', access: 'session', errors: ['not-signed-in', 'admin-only', 'console-session-ended', 'method-unknown', 'sign-in-throttled'] } },
  }, async (request) => {
    const { user, digest } = await operatorSession(services, policy, request);
    await consoleSessions.state(digest, user, request.ctx);
    const challenge = await consoleSessions.send(digest, user, String(request.query.m ?? ''), request.ctx);
    return challenge.passkeyOptions ?? {};
  });

  app.post<{ Querystring: { m?: string; next?: string } }>('/api/v1/session/step-up/passkey/verify', {
    config: { rateLimit, doc: { summary: 'Verify the step-up passkey (`?m=` the method id, `?next=` a local path); answers where to go next', tag: 'session', access: 'session', body: passkeyCredential, errors: ['not-signed-in', 'admin-only', 'console-session-ended', 'method-unknown', 'passkey-failed', 'sign-in-throttled'], example: { body: { id: 'AbCdEf', response: { clientDataJSON: 'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0In0' } } } } },
  }, async (request) => {
    const { user, digest } = await operatorSession(services, policy, request);
    const credential = parseBody(passkeyCredential, request.body);
    await consoleSessions.state(digest, user, request.ctx);
    await consoleSessions.verify(digest, user, String(request.query.m ?? ''), { credential }, request.ctx);
    return { steppedUp: true, next: safeNext(request.query.next) ?? '/admin' };
  });
}
