import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { QueueWorker } from '../../../src/delivery/queue-worker.js';
import type { DeliveryQueueRepository, QueuedDelivery } from '../../../src/store/delivery-queue-repository.js';

const row = (id: number): QueuedDelivery => ({
  id, queue: 'outbox', sink: 'mail', state: 'queued', attempts: 0, nextAttemptAt: 0, createdAt: 0, eventId: null, payload: 'sealed', tag: null, lastError: null,
});

/** A store that hands out `batches` one claim after another (then nothing) and records what the worker did. */
function fakeQueue(batches: QueuedDelivery[][]) {
  const seen = { claims: 0, delivered: [] as number[] };
  const repository = {
    claim: async () => {
      seen.claims++;
      return batches.shift() ?? [];
    },
    delivered: async (r: QueuedDelivery) => {
      seen.delivered.push(r.id);
      return true;
    },
    failed: async () => true,
    release: async () => undefined,
  } as unknown as DeliveryQueueRepository;
  return { repository, seen };
}

function workerOn(repository: DeliveryQueueRepository, concurrency: number, sent: number[]) {
  return new QueueWorker({
    queue: 'outbox', repository, clock: { now: () => 1_000 }, log: pino({ level: 'silent' }), nodeId: 'node-a',
    retry: { maxAttempts: 3, initialBackoffMs: 1000, maxBackoffMs: 10_000 },
    concurrency, attemptTimeoutMs: 5000, pollMs: 3_600_000, sinks: () => ['mail'],
    deliver: async (r) => {
      sent.push(r.id);
    },
  });
}

describe('queue worker', () => {
  it('does not read the queue after an attempt when its last read left no row waiting', async () => {
    const { repository, seen } = fakeQueue([]);
    const sent: number[] = [];
    const worker = workerOn(repository, 4, sent);
    worker.start();
    await worker.drain();
    assert.equal(seen.claims, 1);
    await worker.attempt(row(7));
    await worker.attempt(row(8));
    await worker.drain();
    assert.deepEqual(sent, [7, 8]);
    assert.deepEqual(seen.delivered, [7, 8]);
    assert.equal(seen.claims, 1);
    await worker.stop(100);
  });

  it('reads the queue again when an attempt ends and its last read filled every slot', async () => {
    const { repository, seen } = fakeQueue([[row(1)], [row(2)]]);
    const sent: number[] = [];
    const worker = workerOn(repository, 1, sent);
    worker.start();
    for (let i = 0; i < 50 && seen.delivered.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(sent, [1, 2]);
    assert.deepEqual(seen.delivered, [1, 2]);
    await worker.stop(100);
  });

  it('sends a row through the deliverer its caller passes, and records it delivered', async () => {
    const { repository, seen } = fakeQueue([]);
    const sent: number[] = [];
    const byCaller: number[] = [];
    const worker = workerOn(repository, 4, sent);
    await worker.attempt(row(9), async (r) => {
      byCaller.push(r.id);
    });
    assert.deepEqual(byCaller, [9]);
    assert.deepEqual(sent, []);
    assert.deepEqual(seen.delivered, [9]);
  });

  it('fails an attempt past its deadline, with the sink\'s signal aborted as a timeout', async () => {
    const failed: string[] = [];
    const { repository } = fakeQueue([]);
    repository.failed = async (_row, _node, reason) => {
      failed.push(reason);
      return true;
    };
    let seen: AbortSignal | undefined;
    const worker = new QueueWorker({
      queue: 'outbox', repository, clock: { now: () => 1_000 }, log: pino({ level: 'silent' }), nodeId: 'node-a',
      retry: { maxAttempts: 3, initialBackoffMs: 1000, maxBackoffMs: 10_000 },
      concurrency: 1, attemptTimeoutMs: 30, pollMs: 3_600_000, sinks: () => ['mail'],
      deliver: (_r, signal) => {
        seen = signal;
        return new Promise<void>(() => undefined);
      },
    });
    // The deadline's timer does not hold the process open: this test's own timer does.
    const alive = setTimeout(() => undefined, 5_000);
    await worker.attempt(row(3));
    clearTimeout(alive);
    assert.deepEqual(failed, ['no answer within 30 ms']);
    assert.equal(seen?.aborted, true);
    assert.equal((seen?.reason as Error).name, 'TimeoutError');
  });

  it('gives a row in flight back to the queue at shutdown, its sink\'s signal aborted', async () => {
    const released: number[] = [];
    const { repository, seen } = fakeQueue([]);
    repository.release = async (r) => {
      released.push(r.id);
    };
    let signal: AbortSignal | undefined;
    const worker = new QueueWorker({
      queue: 'outbox', repository, clock: { now: () => 1_000 }, log: pino({ level: 'silent' }), nodeId: 'node-a',
      retry: { maxAttempts: 3, initialBackoffMs: 1000, maxBackoffMs: 10_000 },
      concurrency: 1, attemptTimeoutMs: 60_000, pollMs: 3_600_000, sinks: () => ['mail'],
      deliver: (_r, given) => {
        signal = given;
        return new Promise<void>(() => undefined);
      },
    });
    void worker.attempt(row(4));
    await worker.stop(20);
    assert.deepEqual(released, [4]);
    assert.deepEqual(seen.delivered, []);
    assert.equal(signal?.aborted, true);
    assert.notEqual((signal?.reason as Error).name, 'TimeoutError');
  });
});
