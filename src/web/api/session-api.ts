import type { RouteRateLimit } from '../route-rate-limit.js';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../app/services.js';
import { parseBody } from './validate.js';
import { serializeCookie, type CookiePolicy } from '../cookies.js';
import { cookieOf } from '../request-context.js';
import { SsprError } from '../../errors/sspr-error.js';
import { profileOf } from '../../directory/directory.js';

const sessionBody = z.strictObject({ username: z.string().max(256), password: z.string().max(4096) });

/** Sign-in for "My account" as JSON: 200 with a session cookie, or 401. */
export async function sessionApi(app: FastifyInstance, services: Services, policy: CookiePolicy, rateLimit: RouteRateLimit): Promise<void> {
  app.post('/api/v1/session', { config: { rateLimit, doc: {
    summary: 'Sign in to My account: sets the session cookie', tag: 'session', access: 'public', body: sessionBody, errors: ['sign-in-throttled', 'invalid-credentials'],
    example: { body: { username: 'alice', password: 'correct horse battery staple' } },
  } } }, async (request, reply) => {
    const { username, password } = parseBody(sessionBody, request.body);
    const session = await services.signIn.signIn(username, password, request.ctx);
    reply.header('set-cookie', serializeCookie(policy, 'session', session.token, services.config.session.ttlSeconds));
    return { user: profileOf(session.user), expiresAt: new Date(session.expiresAt).toISOString() };
  });

  app.delete('/api/v1/session', { config: { doc: { summary: 'Sign out: ends the session', tag: 'session', access: 'session', status: 204 } } }, async (request, reply) => {
    await services.signIn.signOut(cookieOf(request, policy, 'session'));
    reply.header('set-cookie', serializeCookie(policy, 'session', '', 0));
    return reply.status(204).send();
  });

  const changeBody = z.strictObject({ currentPassword: z.string().min(1).max(4096), newPassword: z.string().min(1).max(4096) });
  app.post('/api/v1/me/password', { config: { rateLimit, doc: {
    summary: 'Change the known password (written back to the directory first); other sessions end',
    tag: 'session', access: 'session', body: changeBody, errors: ['not-signed-in', 'password-rejected', 'sign-in-throttled', 'writeback-wrong-old-password'],
    example: { body: { currentPassword: 'old secret phrase', newPassword: 'correct horse battery staple' } },
  } } }, async (request) => {
    const session = await services.signIn.session(cookieOf(request, policy, 'session'));
    if (!session) throw new SsprError('not-signed-in');
    const { currentPassword, newPassword } = parseBody(changeBody, request.body);
    await services.setPassword.run(session.user, { origin: 'change', currentPassword, password: newPassword, keepSession: session.digest }, { request: request.ctx });
    return { done: true };
  });

  app.get('/api/v1/me', { config: { doc: { summary: 'The signed-in user: profile', tag: 'session', access: 'session', errors: ['not-signed-in'] } } }, async (request) => {
    const user = await services.signIn.current(cookieOf(request, policy, 'session'));
    if (!user) throw new SsprError('not-signed-in');
    return { user: profileOf(user) };
  });
}
