import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { startTestService, type TestService } from '../support/test-service.js';

/** Opens a raw socket, writes `text`, and resolves with the milliseconds until the server closed it. */
function stall(port: number, text: string, giveUpMs: number): Promise<{ socket: Socket; closedAfter: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(text);
      // Read whatever the server answers (a 408), so its closing reaches this side.
      socket.resume();
      resolve({
        socket,
        closedAfter: new Promise((done) => {
          const timer = setTimeout(() => {
            socket.destroy();
            done(Infinity);
          }, giveUpMs);
          socket.on('close', () => {
            clearTimeout(timer);
            done(performance.now() - started);
          });
        }),
      });
    });
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

/**
 * Slow-loris clients: a request whose headers or body never finish is cut off within the request timeout
 * (plus Node's one-second check interval), and connections beyond the cap are refused at once.
 */
describe('slow and excess clients are closed in bounded time', () => {
  let svc: TestService;
  let port: number;
  before(async () => {
    svc = await startTestService({
      dialect: 'sqlite',
      env: { SSPR_HTTP_REQUEST_TIMEOUT_SECONDS: '2', SSPR_HTTP_HEADERS_TIMEOUT_SECONDS: '1', SSPR_HTTP_MAX_CONNECTIONS: '60' },
    });
    port = Number(new URL(svc.baseUrl).port);
  });
  after(async () => {
    await svc?.close();
  });

  it('50 sockets that send headers and 13 of 10,000 body bytes are closed within 4 s; so are stalled headers and silent sockets', async () => {
    const body = `POST /api/v1/reset/start HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{"username":"`;
    const clients = await Promise.all([
      ...Array.from({ length: 40 }, () => stall(port, body, 10_000)),
      ...Array.from({ length: 5 }, () => stall(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ', 10_000)),
      ...Array.from({ length: 5 }, () => stall(port, '', 10_000)),
    ]);
    const times = await Promise.all(clients.map((c) => c.closedAfter));
    const worst = Math.max(...times);
    assert.ok(worst < 4000, `every stalled socket closed within 4 s (worst ${worst === Infinity ? 'never' : `${Math.round(worst)} ms`})`);
    const health = await fetch(svc.baseUrl + '/healthz');
    assert.equal(health.status, 200, 'the server still answers');
  });

  it('connections beyond the cap are refused while the first ones are held open', async () => {
    const held = await Promise.all(Array.from({ length: 60 }, () => stall(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n', 10_000)));
    const extra = await stall(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', 10_000);
    assert.ok((await extra.closedAfter) < 500, 'the 61st connection is closed at once');
    for (const c of held) c.socket.destroy();
    await Promise.all(held.map((c) => c.closedAfter));
    const health = await fetch(svc.baseUrl + '/healthz');
    assert.equal(health.status, 200, 'served again once the others are gone');
  });
});
