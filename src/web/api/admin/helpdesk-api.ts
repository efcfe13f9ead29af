import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../../app/services.js';
import type { CookiePolicy } from '../../cookies.js';
import { operatorTarget, requireActOn, requireOperator } from '../../admin/console-access.js';
import { parseBody } from '../validate.js';

type UserParams = { Params: { username: string } };
type VerificationParams = { Params: { username: string; id: string } };


const startBody = z.strictObject({ method: z.string().min(1).max(64) });
const checkBody = z.strictObject({ code: z.string().max(32) });
const reasonBody = z.strictObject({ reason: z.string().max(2000) });
const resetBody = z.strictObject({ password: z.string().max(4096).optional(), mustChange: z.boolean().optional() });
const emptyBody = z.strictObject({});

/**
 * The helpdesk over JSON, the same use-case as the console page (`need: helpdesk`):
 * `GET /api/v1/admin/helpdesk/{username}` — the methods that can verify a caller and the operator's open window;
 * `POST …/verifications {method}` — begin (sends a code, or waits for an authenticator code);
 * `POST …/verifications/{id}/resend {}` and `POST …/verifications/{id}/check {code}`;
 * `POST …/reason {reason}` — for a user without a method; `POST …/reset {password?, mustChange?}` and
 * `POST …/unlock {}` — only inside the window (403 helpdesk-not-verified otherwise). `mustChange: true` for an
 * account that cannot carry it (cloud-only, or its directory's agents too old) answers 409
 * writeback-must-change-unsupported and changes nothing; `GET` tells beforehand (`mustChangeSupported`).
 */
export async function helpdeskApi(app: FastifyInstance, services: Services, policy: CookiePolicy): Promise<void> {
  const operatorOf = (request: FastifyRequest) => requireOperator(services, policy, request, 'helpdesk');
  const base = '/api/v1/admin/helpdesk/:username';

  app.get<UserParams>(base, {
    config: { doc: { summary: "The methods that can verify a caller, and the operator's open verification window", tag: 'admin', access: 'operator', errors: ['admin-only', 'admin-token-scope', 'user-not-found', 'operator-target-forbidden', 'helpdesk-target-refused'] } },
  }, async (request, reply) => {
    const operator = await operatorOf(request);
    const user = await operatorTarget(services, operator, request.params.username);
    const window = await services.helpdesk.window(operator, user);
    const obstacle = await services.directory.mustChangeObstacle(user);
    return reply.header('cache-control', 'no-store').send({
      user: { username: user.username, displayName: user.displayName, source: user.source, isAdmin: user.isAdmin, enabled: user.enabled },
      methods: await services.helpdesk.methodsFor(user),
      verifiedUntil: window?.grantUntil ?? null,
      mustChangeSupported: obstacle === null,
      // Why not, when it is not: cloudOnly or agentTooOld (the reason of writeback-must-change-unsupported).
      mustChangeUnsupported: obstacle,
    });
  });

  app.post<UserParams>(`${base}/verifications`, {
    config: { doc: { summary: 'Begin verifying the caller with one of their methods (sends a code, or waits for an authenticator code)', tag: 'admin', access: 'operator', body: startBody, status: 201, errors: ['admin-only', 'admin-token-scope', 'user-not-found', 'operator-target-forbidden', 'helpdesk-target-refused', 'helpdesk-method-unavailable', 'helpdesk-send-limit'], example: { body: { method: 'directory-email' } } } },
  }, async (request, reply) => {
    const operator = await operatorOf(request);
    const { method } = parseBody(startBody, request.body);
    const user = await operatorTarget(services, operator, request.params.username);
    const started = await services.helpdesk.start(operator, user, method, request.ctx);
    return reply.status(201).header('cache-control', 'no-store').send({ verification: started.id, method: started.method });
  });

  app.post<VerificationParams>(`${base}/verifications/:id/resend`, {
    config: { doc: { summary: 'Send the verification code again', tag: 'admin', access: 'operator', body: emptyBody, errors: ['admin-only', 'admin-token-scope', 'user-not-found', 'operator-target-forbidden', 'helpdesk-target-refused', 'helpdesk-method-unavailable', 'helpdesk-send-limit', 'helpdesk-verification-void'], example: { body: {} } } },
  }, async (request, reply) => {
    const operator = await operatorOf(request);
    parseBody(emptyBody, request.body ?? {});
    const user = await operatorTarget(services, operator, request.params.username);
    const method = await services.helpdesk.resend(operator, user, request.params.id, request.ctx);
    return reply.header('cache-control', 'no-store').send({ method });
  });

  app.post<VerificationParams>(`${base}/verifications/:id/check`, {
    config: { doc: { summary: "Check the code the caller reads out; opens the operator's window to act on the account", tag: 'admin', access: 'operator', body: checkBody, errors: ['admin-only', 'admin-token-scope', 'user-not-found', 'operator-target-forbidden', 'helpdesk-target-refused', 'code-malformed', 'code-wrong', 'code-expired', 'helpdesk-verification-void'], example: { body: { code: '123456' } } } },
  }, async (request, reply) => {
    const operator = await operatorOf(request);
    const { code } = parseBody(checkBody, request.body);
    const user = await operatorTarget(services, operator, request.params.username);
    const { until } = await services.helpdesk.check(operator, user, request.params.id, code, request.ctx);
    return reply.header('cache-control', 'no-store').send({ verifiedUntil: until });
  });

  app.post<UserParams>(`${base}/reason`, {
    config: { doc: { summary: 'Record why a user without any method is trusted; opens the window', tag: 'admin', access: 'operator', body: reasonBody, errors: ['admin-only', 'admin-token-scope', 'user-not-found', 'operator-target-forbidden', 'helpdesk-target-refused', 'helpdesk-reason-required', 'helpdesk-has-method'], example: { body: { reason: 'Caller identified in person with their staff badge' } } } },
  }, async (request, reply) => {
    const operator = await operatorOf(request);
    const { reason } = parseBody(reasonBody, request.body);
    const user = await operatorTarget(services, operator, request.params.username);
    const { until } = await services.helpdesk.recordReason(operator, user, reason, request.ctx);
    return reply.header('cache-control', 'no-store').send({ verifiedUntil: until });
  });

  app.post<UserParams>(`${base}/reset`, {
    config: { doc: { summary: "Reset the caller's password (a given one, or a temporary one in the answer), inside the window", tag: 'admin', access: 'operator', body: resetBody, errors: ['admin-only', 'admin-token-scope', 'user-not-found', 'operator-target-forbidden', 'step-up-stale', 'helpdesk-target-refused', 'helpdesk-not-verified', 'password-rejected', 'writeback-must-change-unsupported'], example: { body: { mustChange: true } } } },
  }, async (request, reply) => {
    const operator = await operatorOf(request);
    const { password, mustChange } = parseBody(resetBody, request.body ?? {});
    const user = await requireActOn(services, operator, request.params.username);
    const done = await services.helpdesk.reset(operator, user, { ...(password !== undefined ? { password } : {}), mustChange: mustChange === true }, request.ctx);
    return reply.header('cache-control', 'no-store').send(done);
  });

  app.post<UserParams>(`${base}/unlock`, {
    config: { doc: { summary: "Unlock the caller's account, inside the window", tag: 'admin', access: 'operator', body: emptyBody, errors: ['admin-only', 'admin-token-scope', 'user-not-found', 'operator-target-forbidden', 'step-up-stale', 'helpdesk-target-refused', 'helpdesk-not-verified'], example: { body: {} } } },
  }, async (request, reply) => {
    const operator = await operatorOf(request);
    parseBody(emptyBody, request.body ?? {});
    const user = await requireActOn(services, operator, request.params.username);
    await services.helpdesk.unlock(operator, user, request.ctx);
    return reply.header('cache-control', 'no-store').send({ done: true });
  });
}
