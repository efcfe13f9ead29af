import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { PasskeyService, type StoredPasskey } from '../../../src/methods/passkey/passkey-service.js';
import { PasskeyError } from '../../../src/methods/passkey/passkey-error.js';
import { passkeyClientJs } from '../../../src/web/assets.js';
import { strictCsp } from './harness-kit.js';

export const CSRF_TOKEN = 'harness-csrf-token';

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>passkeys</title><script src="/assets/passkey.js" defer></script></head>
<body><main>
<button type="button" id="register" data-passkey-register-url="/api/passkey/register/options"
  data-passkey-register-verify-url="/api/passkey/register/verify" data-csrf="${CSRF_TOKEN}" data-status-id="status">Add a passkey</button>
<button type="button" id="login" data-passkey-login-url="/api/passkey/login/options"
  data-passkey-login-verify-url="/api/passkey/login/verify" data-csrf="${CSRF_TOKEN}" data-status-id="status">Use your passkey</button>
<p id="status"></p>
</main></body></html>`;

/**
 * One user, one "session": the pending challenges live here, taken (deleted) on verify as the service's
 * contract demands. Every verify body is recorded so tests can replay it.
 */
export interface HarnessState {
  passkeys: StoredPasskey[];
  pendingRegistration: string | undefined;
  pendingLogin: string | undefined;
  verifyBodies: { ceremony: 'register' | 'login'; body: unknown; challenge: string }[];
  refusals: string[];
}

export interface PasskeyHarness {
  app: FastifyInstance;
  port: number;
  service: PasskeyService;
  state: HarnessState;
}

const user = { id: 'user-7f3a', username: 'emma', displayName: 'Emma English' };

export async function startPasskeyHarness(): Promise<PasskeyHarness> {
  const app = Fastify();
  const state: HarnessState = { passkeys: [], pendingRegistration: undefined, pendingLogin: undefined, verifyBodies: [], refusals: [] };
  // The origin names the port, known only after listen; routes must exist before it, so they look it up late.
  const late: { service?: PasskeyService } = {};
  const passkeys = (): PasskeyService => late.service ?? assert.fail('the harness is not listening yet');

  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', strictCsp);
  });
  // What the service's CSRF check would do: the header must carry the token the page was given.
  app.addHook('preHandler', async (request, reply) => {
    if (request.method === 'POST' && request.headers['x-csrf-token'] !== CSRF_TOKEN) {
      await reply.code(403).send({ error: { code: 'csrf', message: 'The form has expired. Reload the page.' } });
    }
  });

  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
  app.get('/favicon.ico', async (_request, reply) => reply.code(204).send());
  app.get('/assets/passkey.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(passkeyClientJs));
  app.get<{ Querystring: { what?: string } }>('/done', async (request, reply) =>
    reply.type('text/html; charset=utf-8').send(`<!doctype html><title>done</title><p id="done">${request.query.what === 'login' ? 'signed in' : 'registered'}</p>`),
  );

  app.post('/api/passkey/register/options', async () => {
    const issued = await passkeys().registrationOptions(user, state.passkeys);
    state.pendingRegistration = issued.challenge;
    return issued.options;
  });
  app.post('/api/passkey/register/verify', async (request, reply) => {
    const challenge = take(state, 'pendingRegistration');
    state.verifyBodies.push({ ceremony: 'register', body: request.body, challenge });
    return refuseAs400(reply, state, async () => {
      state.passkeys.push(await passkeys().verifyRegistration(request.body, challenge));
      return { next: '/done?what=register' };
    });
  });

  app.post('/api/passkey/login/options', async () => {
    const issued = await passkeys().authenticationOptions(state.passkeys);
    state.pendingLogin = issued.challenge;
    return issued.options;
  });
  app.post('/api/passkey/login/verify', async (request: FastifyRequest, reply) => {
    const challenge = take(state, 'pendingLogin');
    state.verifyBodies.push({ ceremony: 'login', body: request.body, challenge });
    return refuseAs400(reply, state, async () => {
      const credentialId = passkeys().credentialIdOf(request.body);
      const stored = state.passkeys.find((passkey) => passkey.credentialId === credentialId);
      if (!stored) throw new PasskeyError('unknown-credential');
      const result = await passkeys().verifyAuthentication(request.body, challenge, stored);
      stored.counter = result.newCounter;
      return { next: '/done?what=login' };
    });
  });

  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  const service = new PasskeyService({ rpName: 'sspr harness', rpId: 'localhost', origin: `http://localhost:${port}` });
  late.service = service;
  return { app, port, service, state };
}

/** Single use: the challenge is gone once a verify has been attempted, whatever the outcome. */
function take(state: HarnessState, key: 'pendingRegistration' | 'pendingLogin'): string {
  const challenge = state[key] ?? '';
  state[key] = undefined;
  return challenge;
}

async function refuseAs400(reply: FastifyReply, state: HarnessState, work: () => Promise<{ next: string }>): Promise<unknown> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof PasskeyError)) throw error;
    state.refusals.push(error.reason);
    return reply.code(400).send({ error: { code: error.reason, message: 'That passkey could not be verified.' } });
  }
}
