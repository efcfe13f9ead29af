import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../../app/services.js';
import type { CookiePolicy } from '../cookies.js';
import { cookieOf } from '../request-context.js';
import { SsprError } from '../../errors/sspr-error.js';
import { z } from 'zod';
import { parseBody } from './validate.js';
import { runRequestedSync } from '../../app/service-sync.js';
import { summaryLine } from '../../sync/directory-sync.js';

const syncBody = z.strictObject({ full: z.boolean().optional() });
const adminPasswordBody = z.strictObject({ password: z.string().min(1).max(4096) });

/**
 * Administrators only: `Authorization: Bearer <admin API token>` (sspr admin token create; 401 admin-token-missing /
 * admin-token-invalid), or — for the browser — a signed-in administrator's session (a signed-in non-administrator
 * gets 403 admin-only). Returns who was let in (for the log).
 */
export async function requireAdmin(services: Services, policy: CookiePolicy, request: FastifyRequest): Promise<string> {
  const authorization = request.headers.authorization;
  if (authorization === undefined) {
    const user = await services.signIn.current(cookieOf(request, policy, 'session'));
    if (user) {
      if (!user.isAdmin) throw new SsprError('admin-only');
      return `user:${user.username}`;
    }
  }
  const token = await services.adminTokens.verify(authorization);
  return `token:${token.id}`;
}

/**
 * `POST /api/v1/admin/sync {full?}`: runs a directory sync now — through the service's own `directory`, or in agent
 * mode through a ready agent — and answers its summary (409 sync-running while one runs).
 */
export async function adminSyncApi(app: FastifyInstance, services: Services, policy: CookiePolicy): Promise<void> {
  app.post('/api/v1/admin/sync', { config: { doc: { summary: 'Run a directory sync now (incremental, or full with {full: true})', tag: 'admin', access: 'operator', body: syncBody, example: { body: { full: true } } } } }, async (request, reply) => {
    const admin = await requireAdmin(services, policy, request);
    const { full } = parseBody(syncBody, request.body ?? {});
    const summary = await runRequestedSync(services, { full: full === true }, admin);
    return reply.header('cache-control', 'no-store').send({ summary, line: summaryLine(summary) });
  });
}

/**
 * `POST /api/v1/admin/users/{username}/password {password}`: a helpdesk reset through the one password use-case —
 * the same policy, written back first (direct or agent mode), audited as `admin-reset` (Entra 31009–31011) and
 * `admin-reset-password` with the administrator and `writtenBack`; the follow-ups of its origin (sessions and open
 * flows end, throttles clear).
 */
export async function adminResetApi(app: FastifyInstance, services: Services, policy: CookiePolicy): Promise<void> {
  app.post<{ Params: { username: string } }>('/api/v1/admin/users/:username/password', { config: { doc: { summary: "Reset a user's password on their behalf (the one password use-case: policy, write-back, follow-ups)", tag: 'admin', access: 'operator', body: adminPasswordBody, errors: ['user-not-found', 'password-rejected', 'admin-only'], example: { body: { password: 'correct horse battery staple' } } } } }, async (request, reply) => {
    const admin = await requireAdmin(services, policy, request);
    const { password } = parseBody(adminPasswordBody, request.body);
    const user = await services.directory.findUser(request.params.username);
    if (!user) throw new SsprError('user-not-found', { params: { username: request.params.username } });
    await services.setPassword.run(user, { origin: 'admin-reset', password, by: admin }, { request: request.ctx });
    return reply.header('cache-control', 'no-store').send({ done: true });
  });
}

/** `GET /api/v1/admin/doctor` (service run with the user summary) and `GET /api/v1/admin/doctor/users/{username}`. */
export async function adminDoctorApi(app: FastifyInstance, services: Services, policy: CookiePolicy): Promise<void> {
  app.get('/api/v1/admin/doctor', { config: { doc: { summary: "The doctor's service run with the per-check user counts", tag: 'admin', access: 'operator' } } }, async (request, reply) => {
    await requireAdmin(services, policy, request);
    return reply.header('cache-control', 'no-store').send(await services.doctor.diagnoseService(request.ctx.lang));
  });

  app.get<{ Params: { username: string } }>('/api/v1/admin/doctor/users/:username', { config: { doc: { summary: 'Why this user can or cannot reset: every check with evidence and fix', tag: 'admin', access: 'operator', errors: ['user-not-found'] } } }, async (request, reply) => {
    await requireAdmin(services, policy, request);
    return reply.header('cache-control', 'no-store').send(await services.doctor.diagnoseUser(request.params.username, request.ctx.lang));
  });
}
