import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../../app/services.js';
import type { CookiePolicy } from '../../cookies.js';
import { requireOperator, requireRecentStepUp } from '../../admin/console-access.js';
import { parseBody } from '../validate.js';
import { LicenceAssignments, licencePlans, principalResolver } from '../../../admin/licence-assignments.js';

const assignmentBody = z.strictObject({ plan: z.enum(licencePlans), user: z.string().min(1).max(256).optional(), group: z.string().min(1).max(256).optional() });

/** The licence use-case over the service's store (the same one `sspr license` runs), audited with `by`. */
export function licenceAssignmentsOf(services: Services): LicenceAssignments {
  return new LicenceAssignments({
    licences: services.licences,
    principal: principalResolver({ user: (name) => services.users.get(name), group: (name) => services.groups.get(name) }),
    record: (entry) => services.audit.record(entry),
  });
}

/**
 * Licence assignments over JSON (need `admin`; changes also a recent step-up): `GET /api/v1/admin/licences`,
 * `POST /api/v1/admin/licences {plan, user|group}` and `POST /api/v1/admin/licences/unassign {plan, user|group}`.
 */
export async function licencesApi(app: FastifyInstance, services: Services, policy: CookiePolicy): Promise<void> {
  const assignments = licenceAssignmentsOf(services);

  app.get('/api/v1/admin/licences', { config: { doc: { summary: 'Licence assignments: plan, user or group, and its name', tag: 'admin', access: 'operator', errors: ['admin-only', 'admin-token-scope'] } } }, async (request, reply) => {
    await requireOperator(services, policy, request, 'admin');
    return reply.header('cache-control', 'no-store').send({ assignments: await assignments.list() });
  });

  app.post('/api/v1/admin/licences', {
    config: { doc: { summary: 'Assign a licence plan to a user or a group (members and nested groups inherit it); audited', tag: 'admin', access: 'operator', body: assignmentBody, status: 201, errors: ['admin-only', 'admin-token-scope', 'step-up-stale', 'user-not-found', 'group-not-found'], example: { body: { plan: 'sspr-writeback', group: 'Staff' } } } },
  }, async (request, reply) => {
    const operator = await requireOperator(services, policy, request, 'admin');
    requireRecentStepUp(services, operator);
    const { plan, ...named } = parseBody(assignmentBody, request.body);
    const principal = await assignments.assign(plan, named, operator.label);
    return reply.status(201).header('cache-control', 'no-store').send({ plan, principalType: principal.type, principal: principal.name });
  });

  app.post('/api/v1/admin/licences/unassign', {
    config: { doc: { summary: 'Take a licence plan away from the user or group it was assigned to directly; audited', tag: 'admin', access: 'operator', body: assignmentBody, errors: ['admin-only', 'admin-token-scope', 'step-up-stale', 'user-not-found', 'group-not-found', 'licence-not-assigned'], example: { body: { plan: 'sspr', user: 'alice' } } } },
  }, async (request, reply) => {
    const operator = await requireOperator(services, policy, request, 'admin');
    requireRecentStepUp(services, operator);
    const { plan, ...named } = parseBody(assignmentBody, request.body);
    const principal = await assignments.unassign(plan, named, operator.label);
    return reply.header('cache-control', 'no-store').send({ plan, principalType: principal.type, principal: principal.name });
  });
}
