import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { BreachCheckUnavailableError, sha1HexOfPassword } from '../../../src/password-policy/breach-checker.js';
import { RangeApiBreachChecker } from '../../../src/password-policy/breach-range-api.js';

const breached = sha1HexOfPassword('password'); // 5BAA6 1E4C9B93F3F0682250B6CF8331B7EE68FD8
const padded = sha1HexOfPassword('padded-only'); // served with count 0 (padding)
const slow = sha1HexOfPassword('slow-password'); // its range never answers

let server: Server;
let baseUrl: string;
const requests: { url: string; headers: IncomingHttpHeaders }[] = [];

before(async () => {
  server = createServer((request, response) => {
    requests.push({ url: request.url ?? '', headers: request.headers });
    const match = /^\/api\/range\/([0-9A-F]{5})$/.exec(request.url ?? '');
    if (match === null) {
      response.writeHead(request.url?.startsWith('/api/range/') ? 400 : 404).end();
      return;
    }
    const prefix = match[1];
    if (prefix === slow.slice(0, 5)) return; // never answers: exercises the timeout
    const lines = ['0018A45C4D1DEF81644B54AB7F969B88D65:1', '00D4F6E8FA6EECAD2A3AA415EEC418D38EC:2'];
    if (prefix === breached.slice(0, 5)) lines.push(`${breached.slice(5).toLowerCase()}:9545824`);
    if (prefix === padded.slice(0, 5)) lines.push(`${padded.slice(5)}:0`);
    response.writeHead(200, { 'content-type': 'text/plain' }).end(lines.join('\r\n'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('RangeApiBreachChecker against a local HIBP-compatible server', () => {
  it('finds a breached password, sending only the 5-character prefix', async () => {
    const checker = new RangeApiBreachChecker({ baseUrl });
    assert.equal(await checker.has('password'), true);
    const last = requests.at(-1);
    assert.equal(last?.url, '/api/range/5BAA6');
    assert.equal(last?.headers['add-padding'], 'true');
    assert.match(String(last?.headers['user-agent']), /sspr/);
    assert.ok(!JSON.stringify(requests).includes(breached.slice(5)));
  });

  it('answers false for passwords not in the range, and ignores count-0 padding', async () => {
    const checker = new RangeApiBreachChecker({ baseUrl });
    assert.equal(await checker.has('correct horse battery staple'), false);
    assert.equal(await checker.has('padded-only'), false);
  });

  it('raises BreachCheckUnavailableError on HTTP errors, timeouts and unreachable servers', async () => {
    await assert.rejects(
      new RangeApiBreachChecker({ baseUrl: `${baseUrl}missing` }).has('password'),
      BreachCheckUnavailableError,
    );
    const started = Date.now();
    await assert.rejects(
      new RangeApiBreachChecker({ baseUrl, timeoutMs: 200 }).has('slow-password'),
      BreachCheckUnavailableError,
    );
    assert.ok(Date.now() - started < 2000, 'gave up after the timeout');
    await assert.rejects(
      new RangeApiBreachChecker({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 500 }).has('password'),
      BreachCheckUnavailableError,
    );
  });
});
