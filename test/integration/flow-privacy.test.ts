import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestService, type TestService } from '../support/test-service.js';

/**
 * A flow row keeps nothing of a name that names no account but a keyed hash of it: an e-mail address typed
 * into the user-name field never reaches the store in clear, and such a name is still throttled exactly like
 * a real account's.
 */
describe('flow rows and typed addresses', () => {
  let svc: TestService;
  const post = async (path: string, body: unknown) => {
    const response = await fetch(svc.baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const flowRows = () => svc.services.store.db.selectFrom('reset_flows').selectAll().execute();

  before(async () => {
    svc = await startTestService({ dialect: 'sqlite' });
    for (const username of ['alice', 'bert']) await svc.services.users.add({ username, email: `${username}@example.org` });
  });
  after(async () => svc.close());

  it('a typed address that names no account is stored only as a keyed hash', async () => {
    const address = 'Someone.Private@Mailbox.example';
    const started = await post('/api/v1/reset/start', { username: address });
    assert.equal(started.status, 200);
    const sent = await post(`/api/v1/reset/${started.body.flowId}/send`, { methodId: started.body.methods[0].id });
    assert.equal(sent.status, 200);
    const rows = await flowRows();
    assert.equal(rows.length, 1);
    const stored = JSON.stringify(rows).toLowerCase();
    for (const part of ['someone.private', 'mailbox.example', 'someone']) assert.ok(!stored.includes(part), `the flow row holds no "${part}": ${stored}`);
    const again = await post('/api/v1/reset/start', { username: ` ${address.toLowerCase()} ` });
    const names = new Set((await flowRows()).map((row) => row.username));
    assert.equal(names.size, 1, 'every spelling of one name gets the same hash (the throttle subject)');
    assert.equal(again.status, 200);
  });

  it('a name that names no account is throttled like a real one, at start and at every later step', async () => {
    const tries = async (username: string) => {
      const statuses: string[] = [];
      for (let i = 0; i < 7; i++) {
        const started = await post('/api/v1/reset/start', { username });
        if (started.status !== 200) {
          statuses.push(`start:${started.status}:${started.body.error?.code}`);
          continue;
        }
        const methodId = started.body.methods[0].id;
        const sent = await post(`/api/v1/reset/${started.body.flowId}/send`, { methodId });
        const verified = await post(`/api/v1/reset/${started.body.flowId}/verify`, { methodId, code: '000000' });
        statuses.push(`send:${sent.status} verify:${verified.status}:${verified.body.error?.code}`);
      }
      return statuses;
    };
    const known = await tries('bert');
    const unknown = await tries('nobody@mailbox.example');
    assert.deepEqual(unknown, known);
    assert.ok(known.at(-1)?.startsWith('start:429'), `blocked at start after the failed proofs: ${known.join(', ')}`);
  });
});
