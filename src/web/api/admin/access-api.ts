import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../../app/services.js';
import type { CookiePolicy } from '../../cookies.js';
import type { Operator } from '../../admin/console-access.js';
import { requireOperator, requireRecentStepUp } from '../../admin/console-access.js';
import { parseBody } from '../validate.js';
import { SsprError } from '../../../errors/sspr-error.js';
import { changeRole } from '../../../admin/role-changes.js';
import { isUserRole, userRoles, type UserRole } from '../../../admin/roles.js';
import { adminTokenScopes, type AdminTokenInfo, type AdminTokenScope } from '../../../admin/admin-tokens.js';

const DAY_MS = 86_400_000;

export const roleBody = z.strictObject({ scopeGroup: z.string().min(1).max(256).nullable().optional() });
export const tokenBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scope: z.enum(adminTokenScopes),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A token as the API shows it (never its secret). */
export function tokenView(info: AdminTokenInfo, now: number) {
  const state = info.revokedAt !== null ? 'revoked' : info.expiresAt !== null && info.expiresAt <= now ? 'expired' : 'active';
  return { id: info.id, name: info.name, scope: info.scope, state, createdAt: iso(info.createdAt), expiresAt: iso(info.expiresAt), lastUsedAt: iso(info.lastUsedAt), revokedAt: iso(info.revokedAt) };
}

function roleNamed(name: string): UserRole {
  if (!isUserRole(name)) throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: `the role is ${userRoles.join(' or ')}` });
  return name;
}

/** Grants or takes away a role for an operator (audited with the operator's label); true when something changed. */
export async function changeOperatorRole(services: Services, operator: Operator, username: string, role: UserRole, held: boolean, scopeGroup?: string | null): Promise<boolean> {
  const account = await services.users.get(username);
  const scope = scopeGroup === undefined || scopeGroup === null ? scopeGroup : (await services.groups.get(scopeGroup)).name;
  return changeRole(services.store.db, { clock: services.clock, cipher: services.cipher }, operator.label, account, role, held, scope);
}

/** Creates a token (audited); the whole token is in the answer, once. */
export async function createAdminToken(services: Services, operator: Operator, input: { name: string; scope: AdminTokenScope; expiresInDays?: number | undefined }) {
  const created = await services.adminTokens.create(input.name, { scope: input.scope, ...(input.expiresInDays === undefined ? {} : { expiresInMs: input.expiresInDays * DAY_MS }) });
  await services.audit.record({ event: 'admin-token-created', outcome: 'success', detail: { by: operator.label, id: created.id, scope: input.scope, expiresAt: iso(created.info.expiresAt) } });
  return created;
}

/** Revokes a token (audited): 404 `not-found` when no live token has that id. */
export async function revokeAdminToken(services: Services, operator: Operator, id: string): Promise<void> {
  if (!/^[0-9a-f]{16}$/.test(id) || !(await services.adminTokens.revoke(id))) throw new SsprError('not-found');
  await services.audit.record({ event: 'admin-token-revoked', outcome: 'success', detail: { by: operator.label, id } });
}

/**
 * Who may use the console and the admin API (need `admin`; changes also need a recent step-up):
 * - `GET /api/v1/admin/operators`: accounts holding a role, with their roles and helpdesk scope;
 * - `PUT /api/v1/admin/users/{username}/roles/{role} {scopeGroup?}` / `DELETE …`: grant / take away (audited;
 *   taking away ends the account's sessions);
 * - `GET /api/v1/admin/tokens`, `POST /api/v1/admin/tokens {name, scope, expiresInDays?}` (the token is in the
 *   answer once), `DELETE /api/v1/admin/tokens/{id}`.
 */
export async function accessApi(app: FastifyInstance, services: Services, policy: CookiePolicy): Promise<void> {
  app.get('/api/v1/admin/operators', { config: { doc: { summary: 'Accounts holding an operator role, with their roles and helpdesk scope', tag: 'admin', access: 'operator', errors: ['admin-only', 'admin-token-scope'] } } }, async (request, reply) => {
    await requireOperator(services, policy, request, 'admin');
    const operators = await services.users.operators();
    return reply.header('cache-control', 'no-store').send({ operators: operators.map(({ id: _id, ...rest }) => rest) });
  });

  const roleRoute = '/api/v1/admin/users/:username/roles/:role';
  app.put<{ Params: { username: string; role: string } }>(roleRoute, {
    config: { doc: { summary: 'Grant a role (admin or helpdesk; helpdesk optionally limited to a group); audited', tag: 'admin', access: 'operator', body: roleBody, errors: ['admin-only', 'admin-token-scope', 'step-up-stale', 'user-not-found', 'group-not-found'], example: { body: { scopeGroup: 'Helpdesk EMEA' } } } },
  }, async (request) => {
    const operator = await requireOperator(services, policy, request, 'admin');
    requireRecentStepUp(services, operator);
    const { scopeGroup } = parseBody(roleBody, request.body ?? {});
    const changed = await changeOperatorRole(services, operator, request.params.username, roleNamed(request.params.role), true, scopeGroup);
    return { changed };
  });
  app.delete<{ Params: { username: string; role: string } }>(roleRoute, {
    config: { doc: { summary: "Take a role away (audited); the account's sessions end", tag: 'admin', access: 'operator', errors: ['admin-only', 'admin-token-scope', 'step-up-stale', 'user-not-found'] } },
  }, async (request) => {
    const operator = await requireOperator(services, policy, request, 'admin');
    requireRecentStepUp(services, operator);
    const changed = await changeOperatorRole(services, operator, request.params.username, roleNamed(request.params.role), false);
    return { changed };
  });

  app.get('/api/v1/admin/tokens', { config: { doc: { summary: 'Admin API tokens (never their secret): name, scope, state, dates', tag: 'admin', access: 'operator', errors: ['admin-only', 'admin-token-scope'] } } }, async (request, reply) => {
    await requireOperator(services, policy, request, 'admin');
    const now = services.clock.now();
    return reply.header('cache-control', 'no-store').send({ tokens: (await services.adminTokens.list()).map((t) => tokenView(t, now)) });
  });
  app.post('/api/v1/admin/tokens', {
    config: { doc: { summary: 'Create an admin API token (the token is in this answer only)', tag: 'admin', access: 'operator', body: tokenBody, status: 201, errors: ['admin-only', 'admin-token-scope', 'step-up-stale'], example: { body: { name: 'Reporting', scope: 'read-only', expiresInDays: 90 } } } },
  }, async (request, reply) => {
    const operator = await requireOperator(services, policy, request, 'admin');
    requireRecentStepUp(services, operator);
    const created = await createAdminToken(services, operator, parseBody(tokenBody, request.body));
    return reply.status(201).header('cache-control', 'no-store').send({ token: created.token, info: tokenView(created.info, services.clock.now()) });
  });
  app.delete<{ Params: { id: string } }>('/api/v1/admin/tokens/:id', {
    config: { doc: { summary: 'Revoke an admin API token (audited)', tag: 'admin', access: 'operator', status: 204, errors: ['admin-only', 'admin-token-scope', 'step-up-stale', 'not-found'] } },
  }, async (request, reply) => {
    const operator = await requireOperator(services, policy, request, 'admin');
    requireRecentStepUp(services, operator);
    await revokeAdminToken(services, operator, request.params.id);
    return reply.status(204).send();
  });
}
