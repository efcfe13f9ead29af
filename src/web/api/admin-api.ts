import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/services.js';
import type { CookiePolicy } from '../cookies.js';
import { SsprError } from '../../errors/sspr-error.js';
import { operatorMayActOn, requireOperator, requireRecentStepUp } from '../admin/console-access.js';
import { z } from 'zod';
import { parseBody } from './validate.js';
import { runRequestedSync } from '../../app/service-sync.js';
import { summaryLine } from '../../sync/directory-sync.js';

const syncBody = z.strictObject({ full: z.boolean().optional() });
const adminPasswordBody = z.strictObject({ password: z.string().min(1).max(4096) });

/**
 * `POST /api/v1/admin/sync {full?}`: runs a directory sync now — through the service's own `directory`, or in agent
 * mode through a ready agent — and answers its summary (409 sync-running while one runs).
 */
export async function adminSyncApi(app: FastifyInstance, services: Services, policy: CookiePolicy): Promise<void> {
  app.post('/api/v1/admin/sync', { config: { doc: { summary: 'Run a directory sync now (incremental, or full with {full: true})', tag: 'admin', access: 'operator', body: syncBody, example: { body: { full: true } } } } }, async (request, reply) => {
    const admin = (await requireOperator(services, policy, request, 'admin')).label;
    const { full } = parseBody(syncBody, request.body ?? {});
    const summary = await runRequestedSync(services, { full: full === true }, admin);
    return reply.header('cache-control', 'no-store').send({ summary, line: summaryLine(summary) });
  });
}

/**
 * Every route here passes the console gate (console-access.ts): a scoped admin token, or a stepped-up console
 * session of an operator holding the route's need.
 *
 * `POST /api/v1/admin/users/{username}/password {password}` (need `helpdesk`, a recent step-up, and a target the
 * operator may act on): a helpdesk reset through the one password use-case —
 * the same policy, written back first (direct or agent mode), audited as `admin-reset` (Entra 31009–31011) and
 * `admin-reset-password` with the administrator and `writtenBack`; the follow-ups of its origin (sessions and open
 * flows end, throttles clear).
 */
export async function adminResetApi(app: FastifyInstance, services: Services, policy: CookiePolicy): Promise<void> {
  app.post<{ Params: { username: string } }>('/api/v1/admin/users/:username/password', { config: { doc: { summary: "Reset a user's password on their behalf (the one password use-case: policy, write-back, follow-ups)", tag: 'admin', access: 'operator', body: adminPasswordBody, errors: ['user-not-found', 'password-rejected', 'admin-only'], example: { body: { password: 'correct horse battery staple' } } } } }, async (request, reply) => {
    const operator = await requireOperator(services, policy, request, 'helpdesk');
    requireRecentStepUp(services, operator);
    const { password } = parseBody(adminPasswordBody, request.body);
    const user = await services.directory.findUser(request.params.username);
    if (!user) throw new SsprError('user-not-found', { params: { username: request.params.username } });
    await operatorMayActOn(services, operator, user);
    await services.setPassword.run(user, { origin: 'admin-reset', password, by: operator.label }, { request: request.ctx });
    return reply.header('cache-control', 'no-store').send({ done: true });
  });
}

/**
 * `GET /api/v1/admin/doctor` (service run with the user summary: organisation-wide, need `read`) and
 * `GET /api/v1/admin/doctor/users/{username}` (need `account`: one account the operator may act on).
 */
export async function adminDoctorApi(app: FastifyInstance, services: Services, policy: CookiePolicy): Promise<void> {
  app.get('/api/v1/admin/doctor', { config: { doc: { summary: "The doctor's service run with the per-check user counts", tag: 'admin', access: 'operator', errors: ['admin-only', 'admin-token-scope', 'operator-organisation-wide'] } } }, async (request, reply) => {
    await requireOperator(services, policy, request, 'read');
    return reply.header('cache-control', 'no-store').send(await services.doctor.diagnoseService(request.ctx.lang));
  });

  app.get<{ Params: { username: string } }>('/api/v1/admin/doctor/users/:username', { config: { doc: { summary: 'Why this user can or cannot reset: every check with evidence and fix', tag: 'admin', access: 'operator', errors: ['user-not-found'] } } }, async (request, reply) => {
    const operator = await requireOperator(services, policy, request, 'account');
    const target = await services.directory.findUser(request.params.username);
    if (target) await operatorMayActOn(services, operator, target);
    return reply.header('cache-control', 'no-store').send(await services.doctor.diagnoseUser(request.params.username, request.ctx.lang));
  });
}
