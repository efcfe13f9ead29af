import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../../app/services.js';
import type { CookiePolicy } from '../../cookies.js';
import { parseBody } from '../validate.js';
import { SsprError } from '../../../errors/sspr-error.js';
import { directoryStatus } from '../../../admin/directory-status.js';
import { AgentEnrolment } from '../../../writeback/agent-gateway/agent-enrolment.js';
import { directoryKinds } from '../../../directory/registry.js';
import { requireOperator } from '../../admin/console-access.js';

const tokenBody = z.strictObject({ directory: z.enum(directoryKinds), hours: z.number().int().min(1).max(168) });
const emptyBody = z.strictObject({});

/**
 * The console's "Directory and agents" as JSON: `GET /api/v1/admin/directory` (sync schedule, last runs, agents),
 * `POST /api/v1/admin/agents/tokens` (a one-time enrolment token, shown once), `POST /api/v1/admin/agents/{id}/revoke`.
 */
export async function adminDirectoryApi(app: FastifyInstance, services: Services, policy: CookiePolicy): Promise<void> {
  const enrolment = new AgentEnrolment(services.writeback.agents, services.audit, services.clock);

  app.get('/api/v1/admin/directory', { config: { doc: { summary: 'Directory sync (schedule, last runs) and agents (state, heartbeat, version, clock offset, errors)', tag: 'admin', access: 'operator' } } }, async (request, reply) => {
    await requireOperator(services, policy, request, 'admin');
    return reply.header('cache-control', 'no-store').send(await directoryStatus(services));
  });

  app.post('/api/v1/admin/agents/tokens', {
    config: { doc: { summary: 'Create a one-time agent enrolment token (the token is in this answer only)', tag: 'admin', access: 'operator', body: tokenBody, status: 201, example: { body: { directory: 'ad', hours: 24 } } } },
  }, async (request, reply) => {
    const operator = await requireOperator(services, policy, request, 'admin');
    const { directory, hours } = parseBody(tokenBody, request.body);
    const created = await enrolment.createToken(directory, hours * 3_600_000, operator.label);
    return reply.status(201).header('cache-control', 'no-store').send({ token: created.token, expiresAt: new Date(created.expiresAt).toISOString() });
  });

  app.post<{ Params: { id: string } }>('/api/v1/admin/agents/:id/revoke', {
    config: { doc: { summary: 'Revoke an agent: refused at its next connection, no job is sealed to it', tag: 'admin', access: 'operator', body: emptyBody, status: 204, errors: ['not-found'], example: { body: {} } } },
  }, async (request, reply) => {
    const operator = await requireOperator(services, policy, request, 'admin');
    parseBody(emptyBody, request.body ?? {});
    if (!(await enrolment.revoke(request.params.id, operator.label))) throw new SsprError('not-found');
    return reply.status(204).send();
  });
}
