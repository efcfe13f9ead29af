import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../app/services.js';
import type { CookiePolicy } from '../../cookies.js';
import { z } from 'zod';
import { requireOperator } from '../../admin/console-access.js';

const frozenList = z.object({ users: z.array(z.object({ username: z.string(), notice: z.string(), frozenAt: z.string() })) });

/** Administrators list frozen accounts and lift a freeze ("this wasn't me"); the same use-case as `sspr user unfreeze`. */
export async function adminFreezeApi(app: FastifyInstance, services: Services, policy: CookiePolicy): Promise<void> {
  const { freeze } = services.integrity;

  app.get('/api/v1/admin/frozen-users', { config: { doc: {
    summary: 'Accounts whose self-service is frozen ("this wasn\'t me"), with the reported notice',
    tag: 'admin', access: 'operator', response: frozenList,
    example: { response: { users: [{ username: 'alice', notice: 'reset', frozenAt: '2026-12-06T09:30:00.000Z' }] } },
  } } }, async (request) => {
    await requireOperator(services, policy, request, 'read');
    const frozen = await freeze.listFrozen();
    return { users: frozen.map((f) => ({ username: f.username, notice: f.notice, frozenAt: new Date(f.frozenAt).toISOString() })) };
  });

  app.post<{ Params: { username: string } }>('/api/v1/admin/users/:username/unfreeze', { config: { doc: {
    summary: 'Lift the freeze of an account: reset, change, unlock and registration work again (audited)',
    tag: 'admin', access: 'operator', body: z.strictObject({}), response: z.object({ username: z.string(), unfrozen: z.boolean() }), errors: ['user-not-found'],
    example: { body: {}, response: { username: 'alice', unfrozen: true } },
  } } }, async (request) => {
    const operator = await requireOperator(services, policy, request, 'admin');
    const unfrozen = await freeze.unfreeze(request.params.username, operator.label, { ip: request.ip });
    return { username: request.params.username, unfrozen };
  });
}
