import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestService, type TestService } from '../support/test-service.js';

/** A seeded generator, so a failure can be reproduced. */
function seeded(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const weighted = <T>(choices: Array<[T, number]>): T => {
    let r = next() * choices.reduce((sum, [, w]) => sum + w, 0);
    for (const [value, w] of choices) if ((r -= w) < 0) return value;
    return choices[0]![0];
  };
  return { next, weighted };
}

/** log Γ (Lanczos) and the regularised upper incomplete gamma Q(a, x), for chi-square p-values. */
function logGamma(x: number): number {
  const c = [76.18009172947146, -86.50532032941678, 24.01409824083091, -1.231739572450155, 0.001208650973866179, -0.5395239384953e-5];
  let y = x;
  const tmp = x + 5.5 - (x + 0.5) * Math.log(x + 5.5);
  let ser = 1.000000000190015;
  for (const cj of c) ser += cj / ++y;
  return -tmp + Math.log((Math.sqrt(2 * Math.PI) * ser) / x);
}
function upperGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 500; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-12) break;
    }
    return 1 - sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
  }
  let b = x + 1 - a;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    d = Math.abs(d) < 1e-300 ? 1e-300 : d;
    c = b + an / c;
    c = Math.abs(c) < 1e-300 ? 1e-300 : c;
    d = 1 / d;
    h *= d * c;
    if (Math.abs(d * c - 1) < 1e-12) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** Chi-square test of homogeneity of two samples of categories (sparse categories pooled); returns the p-value. */
function homogeneity(a: string[], b: string[]): { p: number; table: string } {
  const categories = [...new Set([...a, ...b])];
  const count = (xs: string[], c: string) => xs.filter((x) => x === c).length;
  const big = categories.filter((c) => count(a, c) + count(b, c) >= 10);
  const pooled = (xs: string[]) => xs.map((x) => (big.includes(x) ? x : 'other'));
  const [pa, pb] = [pooled(a), pooled(b)];
  const cats = [...new Set([...pa, ...pb])];
  if (cats.length < 2) return { p: 1, table: cats.join() };
  let chi = 0;
  for (const c of cats) {
    const total = count(pa, c) + count(pb, c);
    for (const [xs, n] of [[pa, pa.length], [pb, pb.length]] as const) {
      const expected = (total * n) / (pa.length + pb.length);
      chi += (count(xs, c) - expected) ** 2 / expected;
    }
  }
  return { p: upperGammaQ((cats.length - 1) / 2, chi / 2), table: cats.map((c) => `${c}: ${count(pa, c)}/${count(pb, c)}`).join('; ') };
}

const QUESTIONS = ['first-pet-name', 'childhood-best-friend', 'first-stuffed-toy', 'childhood-nickname', 'first-teacher-surname', 'first-car-model'];
const FIRST = ['anna', 'ben', 'clara', 'david', 'eva', 'felix', 'greta', 'hans', 'ida', 'jonas', 'karl', 'lena', 'max', 'nora', 'otto', 'paula', 'rosa', 'sven', 'tina', 'ulf', 'vera', 'willi', 'yusuf', 'zoe'];
const LAST = ['meier', 'schmidt', 'huber', 'novak', 'rossi', 'smith', 'dubois', 'kowalski', 'jensen', 'berg', 'wolf', 'keller', 'fischer', 'weber', 'bauer', 'koch'];

/**
 * Known and unknown names get answers from one distribution: over a population of real-looking accounts
 * (mail domains, phone countries, TOTP, administrators with two methods, accounts that may not reset), the
 * method sets, `required`, e-mail hints and phone countries offered for 300 real names and 300 unknown names
 * pass a chi-square test of homogeneity, and the hints never echo the typed name.
 */
describe('reset/start hints and methods do not tell real accounts from unknown names', () => {
  let svc: TestService;
  const known: string[] = [];
  const unknown: string[] = [];

  const dataDir = mkdtempSync(join(tmpdir(), 'sspr-hints-'));
  const env = { SSPR_PUBLIC_URL: 'http://localhost', SSPR_SMS_PROVIDER: 'webhook', SSPR_SMS_URL: 'http://127.0.0.1:9/sms', SSPR_SMS_SECRET: 'a-webhook-secret-of-some-length' };

  before(async () => {
    // Seeded through one service, answered by a second one on the same data: the stand-ins are read at start.
    svc = await startTestService({ dialect: 'sqlite', env, dataDir });
    const random = seeded(20261206);
    const names = new Set<string>();
    while (names.size < 600) names.add(`${random.weighted(FIRST.map((f) => [f, 1]))}.${random.weighted(LAST.map((l) => [l, 1]))}${random.next() < 0.5 ? Math.floor(random.next() * 90 + 10) : ''}`);
    const all = [...names];
    for (const [i, username] of all.entries()) (i % 2 === 0 ? known : unknown).push(username);
    for (const username of known) {
      const domain = random.weighted<string>([['corp.example.org', 50], ['example.net', 20], ['mail.example.com', 15], ['partner.example.de', 10], ['example.at', 5]]);
      const local = random.next() < 0.7 ? username : `${random.weighted(FIRST.map((f) => [f, 1]))}.${random.weighted(LAST.map((l) => [l, 1]))}`;
      const country = random.weighted<string>([['+49151', 50], ['+43664', 20], ['+41791', 15], ['+1202555', 10], ['+447700', 5]]);
      const mobile = random.next() < 0.6 ? `${country}${String(Math.floor(random.next() * 1e6)).padStart(6, '0')}${String(Math.floor(random.next() * 100)).padStart(2, '0')}`.slice(0, 15) : undefined;
      const isAdmin = random.next() < 0.08;
      const user = await svc.services.users.add({ username, email: random.next() < 0.9 ? `${local}@${domain}` : undefined, mobile, isAdmin });
      const now = svc.services.clock.now();
      if (random.next() < 0.3) await svc.services.registrations.add(user.id, 'totp', { secret: 'JBSWY3DPEHPK3PXP', lastStep: 0, label: 'Authenticator app' }, now);
      if (random.next() < 0.25) {
        const answers = QUESTIONS.filter(() => random.next() < 0.6).slice(0, 4 + Math.floor(random.next() * 2));
        const chosen = answers.length >= 3 ? answers : QUESTIONS.slice(0, 3);
        await svc.services.registrations.add(user.id, 'questions', { answers: chosen.map((questionId) => ({ questionId, hash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA' })) }, now);
      }
      if (random.next() < 0.2) {
        const credentialId = Buffer.from(`credential of ${username}`).toString('base64url');
        const transports = random.weighted<string[]>([[['internal', 'hybrid'], 60], [['usb'], 30], [['nfc', 'usb'], 10]]);
        const label = random.weighted<string>([['Laptop', 50], ['Phone', 30], ['YubiKey', 20]]);
        await svc.services.registrations.add(user.id, 'passkey', { credentialId, publicKey: 'cHVibGljLWtleQ', counter: 0, transports, createdAt: now, label }, now);
      }
    }
    await svc.close();
    svc = await startTestService({ dialect: 'sqlite', env, dataDir });
  });
  after(async () => {
    await svc?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the answers for 300 real and 300 unknown names are drawn from one distribution', async () => {
    const answers = async (names: string[]) => {
      const out: Array<{ methods: string; required: string; email: string; phone: string }> = [];
      for (const username of names) {
        const response = await fetch(svc.baseUrl + '/api/v1/reset/start', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username }) });
        const body = (await response.json()) as { methods: Array<{ type: string; hint: string }>; required: number };
        assert.equal(response.status, 200);
        for (const m of body.methods) assert.ok(!m.hint.toLowerCase().startsWith(username[0]!) || m.type !== 'email', `the e-mail hint echoes nothing typed: ${m.hint}`);
        out.push({
          methods: body.methods.map((m) => m.type).sort().join('+'),
          required: String(body.required),
          email: body.methods.find((m) => m.type === 'email')?.hint ?? '-',
          phone: body.methods.find((m) => m.type === 'sms')?.hint.split(' ')[0] ?? '-',
        });
      }
      return out;
    };
    const real = await answers(known);
    const fake = await answers(unknown);
    for (const feature of ['methods', 'required', 'email', 'phone'] as const) {
      const { p, table } = homogeneity(real.map((a) => a[feature]), fake.map((a) => a[feature]));
      assert.ok(p > 0.001, `${feature}: p = ${p.toExponential(2)} (real/unknown: ${table})`);
    }
    const again = await answers(unknown.slice(0, 20));
    assert.deepEqual(again, fake.slice(0, 20), 'an unknown name gets the same answer every time, like a real one');
  });

  /**
   * The step after `start`: what `send` answers per method (passkey options' credentials and transports, how many
   * questions are drawn, the shape of a code step), and what a wrong proof answers, come from one distribution
   * for real and unknown names too.
   */
  it('the send and verify steps for 300 real and 300 unknown names are drawn from one distribution', async (t) => {
    const post = async (path: string, body: unknown) => {
      const response = await fetch(svc.baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };
    const wrongProof = (type: string, challenge: Record<string, any>) =>
      type === 'questions'
        ? { answers: (challenge.questions as Array<{ id: string }>).map((q) => ({ questionId: q.id, answer: 'not the answer' })) }
        : type === 'passkey'
          ? { credential: { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: { clientDataJSON: 'e30', authenticatorData: 'AAAA', signature: 'AAAA' }, clientExtensionResults: {} } }
          : { code: type === 'totp' ? 'abc' : '000000' };
    const steps = async (names: string[]) => {
      const sends: string[] = [];
      const verifies: string[] = [];
      for (const [i, username] of names.entries()) {
        const started = await post('/api/v1/reset/start', { username });
        for (const method of started.body.methods as Array<{ id: string; type: string }>) {
          const sent = await post(`/api/v1/reset/${started.body.flowId}/send`, { methodId: method.id });
          assert.equal(sent.status, 200, JSON.stringify(sent.body));
          const options = sent.body.passkeyOptions as { allowCredentials?: Array<{ transports?: string[] }> } | undefined;
          const shape =
            method.type === 'passkey'
              ? `${options?.allowCredentials?.length ?? 0}:${options?.allowCredentials?.[0]?.transports?.join('+') ?? '-'}`
              : method.type === 'questions'
                ? String((sent.body.questions as unknown[]).length)
                : Object.keys(sent.body).sort().join('+');
          sends.push(`${method.type}:${shape}`);
          // Wrong proofs for a third of the names (questions cost Argon2id work): the first method, and every one not sent by message.
          if (i % 3 === 0 && (method === started.body.methods[0] || (method.type !== 'email' && method.type !== 'sms'))) {
            const verified = await post(`/api/v1/reset/${started.body.flowId}/verify`, { methodId: method.id, ...wrongProof(method.type, sent.body) });
            verifies.push(`${method.type}:${verified.status}:${verified.body.error?.code}`);
          }
        }
      }
      return { sends, verifies };
    };
    const real = await steps(known);
    const fake = await steps(unknown);
    assert.ok(real.sends.some((s) => s.startsWith('passkey:1:')) && real.sends.some((s) => s.startsWith('questions:3')), 'the population has passkeys and questions');
    for (const feature of ['sends', 'verifies'] as const) {
      const { p, table } = homogeneity(real[feature], fake[feature]);
      t.diagnostic(`${feature}: p = ${p.toFixed(3)} (real/unknown: ${table})`);
      assert.ok(p > 0.001, `${feature}: p = ${p.toExponential(2)} (real/unknown: ${table})`);
    }
    assert.ok(fake.verifies.every((v) => !v.startsWith('2')), 'no proof against a decoy succeeds');
  });
});
