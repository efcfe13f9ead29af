import type { FastifyInstance } from 'fastify';
import type { Services } from '../app/services.js';
import { storeIsReady } from '../store/database.js';

/** Liveness: the process answers. Readiness: it can reach its store. */
export async function healthRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = await storeIsReady(services.store);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'store unreachable' });
  });
}
