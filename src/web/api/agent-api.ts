import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../app/services.js';
import type { RouteRateLimit } from '../route-rate-limit.js';
import { parseBody } from './validate.js';
import { AgentEnrolment } from '../../writeback/agent-gateway/agent-enrolment.js';
import { directoryKinds } from '../../directory/registry.js';

const AGENT_SOCKET_PATH = '/api/v1/agent/connect';

const enrolSchema = z.strictObject({
  token: z.string().min(1).max(200),
  name: z.string().min(1).max(64).regex(/^[^\p{C}]+$/u, 'no control characters'),
  directory: z.enum(directoryKinds),
  sealingKey: z.string().min(1).max(2000),
  identityKey: z.string().min(1).max(2000),
});

/**
 * The agents' side of the service: POST /api/v1/agent/enrol (one-time token → agent id) and the WebSocket
 * upgrade on /api/v1/agent/connect (agent mode only; anything else asking for an upgrade is refused).
 */
export async function agentApi(app: FastifyInstance, services: Services, rateLimit: RouteRateLimit): Promise<void> {
  const enrolment = new AgentEnrolment(services.writeback.agents, services.audit, services.clock);
  app.post('/api/v1/agent/enrol', { config: { rateLimit, doc: {
    summary: 'Enrol an agent with a one-time token; the agent then connects by WebSocket to /api/v1/agent/connect',
    tag: 'agent', access: 'public', body: enrolSchema, status: 201, errors: ['agent-enrolment-refused'],
    example: { body: { token: 'enrol-token-from-sspr-agent-token-create', name: 'dc01-agent', directory: 'ad', sealingKey: '<base64 X25519 public key>', identityKey: '<base64 Ed25519 public key>' } },
  } } }, async (request, reply) => {
    const body = parseBody(enrolSchema, request.body);
    const { agentId } = await enrolment.enrol(body, request.ip);
    return reply.status(201).send({ agentId, heartbeatSeconds: services.config.writeback.heartbeatSeconds });
  });

  const hub = services.writeback.hub;
  app.server.on('upgrade', (request, socket, head) => {
    const path = (request.url ?? '').split('?')[0];
    if (hub && path === AGENT_SOCKET_PATH) return hub.handleUpgrade(request, socket, head);
    const reason = hub ? 'Not Found' : 'Agent mode is off (writeback.mode is not "agent")';
    socket.end(`HTTP/1.1 ${hub ? 404 : 409} ${hub ? 'Not Found' : 'Conflict'}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
  });
}
