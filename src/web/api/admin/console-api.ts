import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../app/services.js';
import type { CookiePolicy } from '../../cookies.js';
import { parseBody } from '../validate.js';
import { requireOperator } from '../../admin/console-access.js';
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
 * The console's JSON API, over the same use-cases as the pages: `read` for the overview, users and audit log,
 * `helpdesk` for removing a method and lifting a block. Bearer admin token or the console session (console-access).
 */
export async function consoleApi(app: FastifyInstance, services: Services, policy: CookiePolicy): Promise<void> {
  const users = new ConsoleUsers(services);
  const actor = (label: string, request: { ctx: { ip: string; userAgent: string } }) => ({ label, ip: request.ctx.ip, userAgent: request.ctx.userAgent });

  app.get('/api/v1/admin/overview', async (request, reply) => {
    await requireOperator(services, policy, request, 'read');
    return reply.header('cache-control', 'no-store').send(await consoleOverviewOf(services).read(request.ctx.lang));
  });

  app.get('/api/v1/admin/users', async (request, reply) => {
    await requireOperator(services, policy, request, 'read');
    const query = parseBody(consoleUsersQuerySchema, request.query);
    const found = await users.find(query.query, decodeUserCursor(query.cursor), query.limit);
    return reply.header('cache-control', 'no-store').send({ users: found.users, next: found.next === null ? null : encodeUserCursor(found.next) });
  });

  app.get('/api/v1/admin/users/:username', async (request, reply) => {
    await requireOperator(services, policy, request, 'read');
    const { username } = parseBody(consoleUserParamsSchema, request.params);
    return reply.header('cache-control', 'no-store').send(await users.show(username, request.ctx.lang));
  });

  app.delete('/api/v1/admin/users/:username/methods/:methodId', async (request, reply) => {
    const operator = await requireOperator(services, policy, request, 'helpdesk');
    const { username, methodId } = parseBody(consoleMethodParamsSchema, request.params);
    const removed = await users.removeMethod(username, methodId, actor(operator.label, request));
    return reply.header('cache-control', 'no-store').send({ removed: true, type: removed.type });
  });

  app.post('/api/v1/admin/users/:username/unblock', async (request, reply) => {
    const operator = await requireOperator(services, policy, request, 'helpdesk');
    const { username } = parseBody(consoleUserParamsSchema, request.params);
    return reply.header('cache-control', 'no-store').send(await users.unblock(username, actor(operator.label, request)));
  });

  app.get('/api/v1/admin/audit', async (request, reply) => {
    await requireOperator(services, policy, request, 'read');
    const query = parseBody(consoleAuditQuerySchema, request.query);
    const page = await services.auditLog.browse(await auditFilterOf(query, services.users), decodeAuditCursor(query.cursor), query.limit);
    return reply.header('cache-control', 'no-store').send({ events: page.events, next: page.next ? encodeAuditCursor(page.next) : null });
  });

  /** The whole matching log, oldest first, streamed page by page with backpressure (audit-export.ts). */
  app.get('/api/v1/admin/audit/export', async (request, reply) => {
    await requireOperator(services, policy, request, 'read');
    const query = parseBody(consoleAuditExportQuerySchema, request.query);
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
