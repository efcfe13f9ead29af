import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../../app/services.js';
import type { CookiePolicy } from '../cookies.js';
import { cookieOf } from '../request-context.js';
import { SsprError } from '../../errors/sspr-error.js';
import { z } from 'zod';
import { parseBody } from './validate.js';
import { runServiceSync } from '../../app/service-sync.js';
import { summaryLine } from '../../sync/directory-sync.js';
import type { AuditDetail } from '../../audit/audit-events.js';

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
  const body = z.strictObject({ full: z.boolean().optional() });
  app.post('/api/v1/admin/sync', async (request, reply) => {
    const admin = await requireAdmin(services, policy, request);
    const { full } = parseBody(body, request.body ?? {});
    const summary = await runServiceSync(services, { full: full === true });
    await services.audit.record({ event: 'directory-sync', outcome: 'success', detail: { by: admin, mode: summary.mode, directory: summary.kind, created: summary.accounts.created, updated: summary.accounts.updated, disabled: summary.accounts.disabled } });
    return reply.header('cache-control', 'no-store').send({ summary, line: summaryLine(summary) });
  });
}

/**
 * `POST /api/v1/admin/users/{username}/password {password}`: a helpdesk reset that writes back (direct or agent
 * mode) like a self-service reset — the same password policy, the directory first, audited as `admin-reset`
 * (Entra 31009–31011) and `admin-reset-password` with the administrator and `writtenBack`; the user's sessions end.
 */
export async function adminResetApi(app: FastifyInstance, services: Services, policy: CookiePolicy): Promise<void> {
  const body = z.strictObject({ password: z.string().min(1).max(4096) });
  app.post<{ Params: { username: string } }>('/api/v1/admin/users/:username/password', async (request, reply) => {
    const admin = await requireAdmin(services, policy, request);
    const { password } = parseBody(body, request.body);
    const user = await services.directory.findUser(request.params.username);
    if (!user) throw new SsprError('user-not-found', { params: { username: request.params.username } });
    const directoryPolicy = await services.directory.directoryPolicyFor(user);
    const verdict = await services.passwords.check(password, { ...services.resetFlow.subjectOf(user), directoryPolicy }, request.ctx.lang);
    if (!verdict.accepted) {
      throw new SsprError('password-rejected', { params: { reasons: verdict.reasons.map((r) => r.message).join(' ') }, details: { reasons: verdict.reasons } });
    }
    const record = (outcome: 'success' | 'failure', detail: Omit<AuditDetail<'admin-reset-password'>, 'by'>) =>
      services.audit.record({ event: 'admin-reset-password', outcome, userId: user.id, username: user.username, ip: request.ip, detail: { by: admin, ...detail } });
    try {
      await services.directory.resetPassword(user, password.normalize('NFC'), 'admin-reset');
    } catch (error) {
      await record('failure', { reason: error instanceof SsprError ? error.code : 'internal' });
      throw error;
    }
    await services.sessions.deleteForUser(user.id);
    await record('success', { writtenBack: user.source !== 'local' });
    return reply.header('cache-control', 'no-store').send({ done: true });
  });
}

/** `GET /api/v1/admin/doctor` (service run with the user summary) and `GET /api/v1/admin/doctor/users/{username}`. */
export async function adminDoctorApi(app: FastifyInstance, services: Services, policy: CookiePolicy): Promise<void> {
  app.get('/api/v1/admin/doctor', async (request, reply) => {
    await requireAdmin(services, policy, request);
    return reply.header('cache-control', 'no-store').send(await services.doctor.diagnoseService(request.ctx.lang));
  });

  app.get<{ Params: { username: string } }>('/api/v1/admin/doctor/users/:username', async (request, reply) => {
    await requireAdmin(services, policy, request);
    return reply.header('cache-control', 'no-store').send(await services.doctor.diagnoseUser(request.params.username, request.ctx.lang));
  });
}
