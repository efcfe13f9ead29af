import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../app/services.js';
import type { CookiePolicy } from '../../cookies.js';
import { parseBody } from '../validate.js';
import { listableBy, operatorTarget, requireActOn, requireAuditReader, requireOperator } from '../../admin/console-access.js';
import { z } from 'zod';
import { consoleOverviewOf } from '../../../admin/console-overview.js';
import { ConsoleUsers } from '../../../admin/console-users.js';
import { auditFilterOf, decodeAuditCursor, decodeUserCursor, encodeAuditCursor, encodeUserCursor } from '../../../admin/console-audit.js';
import { auditExportFormats, auditExportStream, type AuditExportFormat } from '../../../audit/audit-export.js';
import {
  consoleAuditExportQuerySchema,
  consoleAuditQuerySchema,
  consoleMethodParamsSchema,
  consoleUserParamsSchema,
  consoleUsersQuerySchema,
} from './console-schemas.js';

/**
 * The console's JSON API, over the same use-cases as the pages (console-access.ts defines the needs): `read` for
 * the overview and the whole audit log; `account` for one user, the user search (a helpdesk operator finds only the
 * accounts it may act on) and one user's trail; `helpdesk` for removing a method, lifting a block and requiring
 * re-registration; `admin` for a readiness count on demand. Bearer admin token or the console session. A user is
 * read only inside the operator's scope; a change also needs a fresh proof.
 *
 * Who may ask for a readiness count: it is a read, but the costliest one (a sweep over every account), and its only
 * product is the organisation-wide count on the overview. A helpdesk operator cannot see that count, so it gains
 * nothing by starting one. A read-only token is the credential that sits in dashboards and scripts; "read-only" is
 * kept to mean it starts no work on the node beyond its answer (the schedule keeps the count fresh anyway). So only
 * administrators (and admin-scoped tokens) ask for one, still at most once a minute per node.
 */
const emptyBody = z.strictObject({});

export async function consoleApi(app: FastifyInstance, services: Services, policy: CookiePolicy): Promise<void> {
  const users = new ConsoleUsers(services);
  const actor = (label: string, request: { ctx: { ip: string; userAgent: string } }) => ({ label, ip: request.ctx.ip, userAgent: request.ctx.userAgent });

  app.get('/api/v1/admin/overview', { config: { doc: { summary: "The console's overview: users able to reset, registrations, recent activity, service health", tag: 'admin', access: 'operator', errors: ['admin-only', 'admin-token-scope', 'operator-organisation-wide'] } } }, async (request, reply) => {
    await requireOperator(services, policy, request, 'read');
    return reply.header('cache-control', 'no-store').send(await consoleOverviewOf(services).read(request.ctx.lang));
  });

  app.post('/api/v1/admin/readiness', {
    config: { doc: { summary: 'Count again who can reset now: a sweep in the background (at most one asked for per minute per node); `started` is false when refused', tag: 'admin', access: 'operator', body: emptyBody, errors: ['admin-only', 'admin-token-scope'], example: { body: {} } } },
  }, async (request, reply) => {
    await requireOperator(services, policy, request, 'admin');
    parseBody(emptyBody, request.body ?? {});
    return reply.code(202).header('cache-control', 'no-store').send({ started: services.readiness.refreshOnDemand() });
  });

  app.get('/api/v1/admin/users', { config: { doc: { summary: 'Find users by the beginning of a user name or display name (keyset pages: pass `next` as `cursor`)', tag: 'admin', access: 'operator', query: consoleUsersQuerySchema, errors: ['admin-only', 'admin-token-scope'] } } }, async (request, reply) => {
    const operator = await requireOperator(services, policy, request, 'account');
    const query = parseBody(consoleUsersQuerySchema, request.query);
    const found = await users.find(query.query, decodeUserCursor(query.cursor), query.limit);
    return reply.header('cache-control', 'no-store').send({ users: await listableBy(services, operator, found.users), next: found.next === null ? null : encodeUserCursor(found.next) });
  });

  app.get('/api/v1/admin/users/:username', { config: { doc: { summary: 'One user: account state, registered methods, roles, recent events', tag: 'admin', access: 'operator', errors: ['admin-only', 'admin-token-scope', 'user-not-found', 'operator-target-forbidden'] } } }, async (request, reply) => {
    const operator = await requireOperator(services, policy, request, 'account');
    const { username } = parseBody(consoleUserParamsSchema, request.params);
    const target = await operatorTarget(services, operator, username);
    return reply.header('cache-control', 'no-store').send(await users.show(target.username, request.ctx.lang));
  });

  app.delete('/api/v1/admin/users/:username/methods/:methodId', {
    config: { doc: { summary: "Remove one of a user's registered methods (audited)", tag: 'admin', access: 'operator', errors: ['admin-only', 'admin-token-scope', 'step-up-stale', 'user-not-found', 'operator-target-forbidden', 'registration-not-found'] } },
  }, async (request, reply) => {
    const operator = await requireOperator(services, policy, request, 'helpdesk');
    const { username, methodId } = parseBody(consoleMethodParamsSchema, request.params);
    const target = await requireActOn(services, operator, username);
    const removed = await users.removeMethod(target.username, methodId, actor(operator.label, request));
    return reply.header('cache-control', 'no-store').send({ removed: true, type: removed.type });
  });

  app.post('/api/v1/admin/users/:username/unblock', {
    config: { doc: { summary: "Lift a user's reset and sign-in throttles (audited)", tag: 'admin', access: 'operator', errors: ['admin-only', 'admin-token-scope', 'step-up-stale', 'user-not-found', 'operator-target-forbidden'] } },
  }, async (request, reply) => {
    const operator = await requireOperator(services, policy, request, 'helpdesk');
    const { username } = parseBody(consoleUserParamsSchema, request.params);
    const target = await requireActOn(services, operator, username);
    return reply.header('cache-control', 'no-store').send(await users.unblock(target.username, actor(operator.label, request)));
  });

  app.post('/api/v1/admin/users/:username/reregister', {
    config: { doc: { summary: "Remove every registered method of a user and ask them to register again at next sign-in (the owner is told; audited)", tag: 'admin', access: 'operator', body: emptyBody, errors: ['admin-only', 'admin-token-scope', 'step-up-stale', 'user-not-found', 'operator-target-forbidden'], example: { body: {} } } },
  }, async (request, reply) => {
    const operator = await requireOperator(services, policy, request, 'helpdesk');
    const { username } = parseBody(consoleUserParamsSchema, request.params);
    parseBody(emptyBody, request.body ?? {});
    const target = await requireActOn(services, operator, username);
    const { removed } = await users.requireReregistration(target.username, actor(operator.label, request), request.ctx.lang);
    return reply.header('cache-control', 'no-store').send({ removed: removed.length, types: [...new Set(removed)].sort() });
  });

  app.get('/api/v1/admin/audit', { config: { doc: { summary: 'Browse the audit log, newest first, filtered by user, event, outcome and time; a helpdesk operator reads only the trail of one account it may act on (keyset pages: pass `next` as `cursor`)', tag: 'admin', access: 'operator', query: consoleAuditQuerySchema, errors: ['admin-only', 'admin-token-scope', 'operator-organisation-wide', 'operator-target-forbidden'] } } }, async (request, reply) => {
    const operator = await requireOperator(services, policy, request, 'account');
    const query = parseBody(consoleAuditQuerySchema, request.query);
    await requireAuditReader(services, operator, query.user);
    const page = await services.auditLog.browse(await auditFilterOf(query, services.users), decodeAuditCursor(query.cursor), query.limit);
    return reply.header('cache-control', 'no-store').send({ events: page.events, next: page.next ? encodeAuditCursor(page.next) : null });
  });

  /** The whole matching log, oldest first, streamed page by page with backpressure (audit-export.ts). */
  app.get('/api/v1/admin/audit/export', {
    config: { doc: { summary: 'Export the whole matching audit log, oldest first, as a file (CSV or JSON lines; streamed)', tag: 'admin', access: 'operator', query: consoleAuditExportQuerySchema, errors: ['admin-only', 'admin-token-scope', 'operator-organisation-wide', 'operator-target-forbidden'] } },
  }, async (request, reply) => {
    const operator = await requireOperator(services, policy, request, 'account');
    const query = parseBody(consoleAuditExportQuerySchema, request.query);
    await requireAuditReader(services, operator, query.user);
    const format = query.format as AuditExportFormat;
    const pages = services.auditLog.pages(await auditFilterOf(query, services.users));
    const stamp = new Date(services.clock.now()).toISOString().slice(0, 10);
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="sspr-audit-${stamp}.${format}"`)
      .type(auditExportFormats[format].mediaType)
      .send(auditExportStream(pages, format));
  });
}
