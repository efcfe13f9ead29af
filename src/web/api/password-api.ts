import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../app/services.js';
import type { CookiePolicy } from '../cookies.js';
import type { RouteRateLimit } from '../route-rate-limit.js';
import { cookieOf } from '../request-context.js';
import { parseBody } from './validate.js';
import { passwordSubjectOf } from '../../flows/password/set-password.js';

const checkBody = z.strictObject({ password: z.string().max(4096), flowId: z.string().max(64).optional() });

/**
 * Live password feedback: `POST /api/v1/password/check {password, flowId?}` → the verdict
 * `{accepted, score, reasons: [{code, key, params, message}], suggestions}`: `key` is the catalogue entry, `params`
 * its public parameters and `message` its text in the reader's language; none carries the password or a part of
 * it. The user's own names and history count only for a verified reset flow (from `flowId`, or the flow cookie of
 * the reset pages) or the signed-in user's own account (session cookie, the change-password form), so the
 * endpoint tells nothing about other accounts. Nothing is stored or logged. When too many evaluations wait for
 * the event loop — for this account or, without one, this client address, or in all — it answers 503
 * `password-check-busy` at once.
 */
export async function passwordApi(app: FastifyInstance, services: Services, policy: CookiePolicy, rateLimit: RouteRateLimit): Promise<void> {
  app.post('/api/v1/password/check', { config: { rateLimit, doc: {
    summary: "Live feedback on a candidate password against the organisation's rules (nothing is stored or logged)",
    tag: 'password', access: 'public', body: checkBody, errors: ['password-check-busy'],
    example: { body: { password: 'Summer2026!' } },
  } } }, async (request) => {
    const { password, flowId } = parseBody(checkBody, request.body);
    const lang = request.ctx.lang;
    const flow = flowId ?? cookieOf(request, policy, 'flow');
    const signedIn = flow ? null : await services.signIn.current(cookieOf(request, policy, 'session'));
    const verdict = signedIn
      ? await services.passwords.check(password, { ...passwordSubjectOf(services.directory, signedIn), directoryPolicy: await services.directory.directoryPolicyFor(signedIn) }, lang)
      : await services.resetFlow.checkPassword(flow, password, lang, request.ip);
    return { accepted: verdict.accepted, score: verdict.score, reasons: verdict.reasons, suggestions: verdict.suggestions };
  });
}
