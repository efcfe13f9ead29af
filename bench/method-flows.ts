/**
 * Benchmark: verified reset flows per second for each verification method through the JSON API (SQLite, the
 * built server as its own process, 50 concurrent flows, start → begin → verify; the password step is the same
 * for every method and measured by reset-flows.ts), and the cost of one Argon2id verification. Prints figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOTP, Secret } from 'otpauth';
import { openStore, migrate } from '../src/store/database.js';
import { UsersRepository } from '../src/store/users-repository.js';
import { RegistrationsRepository } from '../src/store/registrations-repository.js';
import { systemClock } from '../src/store/clock.js';
import { SharedKeyring } from '../src/crypto/shared-keyring.js';
import { hashPassword, verifyPassword } from '../src/crypto/password-hash.js';
import { generateRecoveryCodes, recoveryCodeKeyFor } from '../src/methods/recovery-codes/recovery-codes.js';
import { hashAnswers } from '../src/methods/questions/answer-hashing.js';
import { PREDEFINED_QUESTIONS } from '../src/methods/questions/predefined-questions.js';
import { startServerProcess } from '../test/support/processes.js';
import { SoftAuthenticator } from '../test/support/soft-authenticator.js';
import { percentile } from './stats.js';

const CONCURRENCY = Number(process.env.SSPR_BENCH_CONCURRENCY ?? 50);
const SECONDS = Number(process.env.SSPR_BENCH_SECONDS ?? 10);
const USERS = 6000;
const ANSWERS = ['rex the dog', 'lisbeth ahlers', 'sunflower lane'];


async function argon2Cost(): Promise<void> {
  const stored = await hashPassword('correct horse battery staple');
  const times: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    await verifyPassword(stored, 'correct horse battery staple');
    times.push(performance.now() - t0);
  }
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 100 }, () => verifyPassword(stored, 'wrong guess')));
  const parallel = 100 / ((performance.now() - t0) / 1000);
  console.log(`\n## Argon2id verification (19 MiB, t=2, p=1)\none at a time: p50 ${percentile(times, 0.5).toFixed(1)} ms, p99 ${percentile(times, 0.99).toFixed(1)} ms; all cores: ${parallel.toFixed(0)} verifications/s`);
}

export async function benchMethodFlows(): Promise<void> {
  await argon2Cost();
  const dataDir = mkdtempSync(join(tmpdir(), 'sspr-bench-methods-'));
  const store = openStore(undefined, dataDir);
  await migrate(store);
  const { keys, keyring } = await SharedKeyring.open(store, dataDir);
  const cipher = keyring.cipher;
  const recoveryKey = keys.keyFor('recovery-codes');
  const users = new UsersRepository(store.db, systemClock, cipher);
  const registrations = new RegistrationsRepository(store.db, cipher);
  const questionIds = PREDEFINED_QUESTIONS.slice(0, 3).map((q) => q.id);
  const storedAnswers = await hashAnswers(questionIds.map((questionId, i) => ({ questionId, answer: ANSWERS[i] as string })));
  const totpSecret = new Secret({ size: 20 }).base32;
  const recovery = new Map<number, string[]>();
  const authenticators = new Map<number, SoftAuthenticator>();
  const server = await startServerProcess(
    (port) => ({ SSPR_DATA_DIR: dataDir, SSPR_LOG_LEVEL: 'warn', SSPR_RATE_LIMIT_PER_IP_PER_MINUTE: '0', SSPR_CAPTCHA: 'off', SSPR_PUBLIC_URL: `http://localhost:${port}` }),
    'serve',
    'localhost',
  );
  for (let i = 0; i < USERS; i++) {
    const user = await users.add({ username: `m${i}` });
    await registrations.add(user.id, 'totp', { secret: totpSecret, lastStep: null, label: 'bench' }, Date.now());
    await registrations.add(user.id, 'questions', { answers: storedAnswers }, Date.now());
    const generated = generateRecoveryCodes(recoveryCodeKeyFor(recoveryKey, user.id), 10);
    recovery.set(i, generated.codes);
    await registrations.add(user.id, 'recovery-codes', { digests: generated.digests }, Date.now());
    const authenticator = new SoftAuthenticator('localhost', server.baseUrl);
    const stored = { credentialId: Buffer.from(authenticator.credentialId).toString('base64url'), publicKey: authenticator.publicKeyCose(), counter: 0, transports: ['internal'], createdAt: Date.now(), label: 'bench' };
    authenticators.set(i, authenticator);
    await registrations.add(user.id, 'passkey', stored, Date.now());
  }
  await store.close();

  const post = async (path: string, body: unknown) => {
    const response = await fetch(server.baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await response.json()) as any;
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };

  console.log(`\n## verified flows per method (JSON API, SQLite, ${CONCURRENCY} concurrent, ${SECONDS} s each; start → begin → verify)`);
  console.log('method            flows/s   verify p50 ms   verify p99 ms');
  for (const type of ['totp', 'questions', 'recovery-codes', 'passkey']) {
    let next = 0;
    let done = 0;
    const verifyTimes: number[] = [];
    const usedRecovery = new Map<number, number>();
    const deadline = performance.now() + SECONDS * 1000;
    const started = performance.now();
    const totpUsed = new Set<string>();
    const worker = async () => {
      while (performance.now() < deadline) {
        const index = next++;
        // Each user's app code works once per 30 s step: stop the TOTP stage rather than reuse a user.
        if (type === 'totp' && index >= USERS) break;
        const n = index % USERS;
        const step = Math.floor(Date.now() / 30_000);
        // One code per user and time step (RFC 6238 replay protection): skip users that used this step's code.
        if (type === 'totp' && totpUsed.has(`${n}:${step}`)) continue;
        if (type === 'recovery-codes' && (usedRecovery.get(n) ?? 0) >= 10) continue;
        const flow = await post('/api/v1/reset/start', { username: `m${n}` });
        const method = flow.methods.find((m: any) => m.type === type);
        const begun = await post(`/api/v1/reset/${flow.flowId}/send`, { methodId: method.id });
        let input: Record<string, unknown>;
        if (type === 'totp') {
          totpUsed.add(`${n}:${step}`);
          input = { code: new TOTP({ secret: Secret.fromBase32(totpSecret) }).generate({ timestamp: step * 30_000 + 1 }) };
        } else if (type === 'questions') input = { answers: begun.questions.map((q: any) => ({ questionId: q.id, answer: ANSWERS[questionIds.indexOf(q.id)] })) };
        else if (type === 'recovery-codes') {
          const used = usedRecovery.get(n) ?? 0;
          usedRecovery.set(n, used + 1);
          input = { code: recovery.get(n)![used] };
        } else input = { credential: authenticators.get(n)!.authenticate(begun.passkeyOptions.challenge) };
        const t0 = performance.now();
        await post(`/api/v1/reset/${flow.flowId}/verify`, { methodId: method.id, ...input });
        verifyTimes.push(performance.now() - t0);
        done++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - started) / 1000;
    console.log(`${type.padEnd(16)} ${(done / seconds).toFixed(1).padStart(8)}   ${percentile(verifyTimes, 0.5).toFixed(2).padStart(13)}   ${percentile(verifyTimes, 0.99).toFixed(2).padStart(13)}`);
  }
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
