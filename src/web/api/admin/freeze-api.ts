import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../app/services.js';
import type { CookiePolicy } from '../../cookies.js';
import { requireOperator } from '../../admin/console-access.js';

/** Administrators list frozen accounts and lift a freeze ("this wasn't me"); the same use-case as `sspr user unfreeze`. */
export async function adminFreezeApi(app: FastifyInstance, services: Services, policy: CookiePolicy): Promise<void> {
  const { freeze } = services.integrity;

  app.get('/api/v1/admin/frozen-users', async (request) => {
    await requireOperator(services, policy, request, 'read');
    const frozen = await freeze.listFrozen();
    return { users: frozen.map((f) => ({ username: f.username, notice: f.notice, frozenAt: new Date(f.frozenAt).toISOString() })) };
  });

  app.post<{ Params: { username: string } }>('/api/v1/admin/users/:username/unfreeze', async (request) => {
    const operator = await requireOperator(services, policy, request, 'admin');
    const unfrozen = await freeze.unfreeze(request.params.username, operator.label, { ip: request.ip });
    return { username: request.params.username, unfrozen };
  });
}
