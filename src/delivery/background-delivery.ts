import type { Logger } from 'pino';
import type { Mailer, MailMessage } from '../mail/mailer.js';
import type { SmsGateway, SmsMessage } from '../sms/sms-gateway.js';
import type { Audit } from '../audit/audit.js';
import type { Clock } from '../store/clock.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { DeliveryQueueRepository, QueuedDelivery } from '../store/delivery-queue-repository.js';
import type { Metrics } from '../metrics/metrics.js';
import type { WriteBatch } from '../store/write-batch.js';
import { QueueWorker, type AttemptOutcome, type RetryPolicy } from './queue-worker.js';

/** The audit events of each channel (audit-events.ts); the doctor reads them for `method-data-valid`. */
const deliveryEvents = {
  mail: { delivered: 'email-delivered', failed: 'email-delivery-failed' },
  sms: { delivered: 'sms-delivered', failed: 'sms-delivery-failed' },
} as const;

export type Channel = keyof typeof deliveryEvents;
type MessageOf<C extends Channel> = C extends 'mail' ? MailMessage : SmsMessage;

export interface DispatchTag {
  purpose: string;
  userId: string;
  username: string;
}

export interface OutboxSettings extends RetryPolicy {
  concurrency: number;
  attemptTimeoutMs: number;
}

const POLL_MS = 5000;
/** The cipher context of a sealed message (field-cipher.ts binds a ciphertext to it). */
const sealContext = (channel: string) => `delivery_queue.payload.${channel}`;

/**
 * The outbox. A message is sealed (it may carry a code) and written to the store's delivery queue, then sent at
 * once by this node — so a code arrives as fast as before, and the caller never waits for it (a reset step
 * answers in the same time whether or not a message goes out: no enumeration by timing). A failed send is
 * retried with backoff from the store until `outbox.maxAttempts`, also by another node or after a restart (a
 * kill -9 included: the lease of the row runs out). Delivered rows are removed. Failures are logged (without the
 * body) and audited (the first failure and the last), so the doctor can see them.
 */
export class BackgroundDelivery {
  private readonly pending = new Set<Promise<void>>();
  private readonly worker: QueueWorker;

  constructor(
    private readonly deps: {
      queue: DeliveryQueueRepository;
      cipher: FieldCipher;
      clock: Clock;
      audit: Audit;
      log: Logger;
      metrics: Metrics;
      nodeId: string;
      settings: OutboxSettings;
      senders: { mail: Mailer; sms: SmsGateway | null };
      /** A delivered message's row goes in the same commit as its audit event. */
      batches?: { begin(): WriteBatch };
    },
  ) {
    const channels: Channel[] = deps.senders.sms ? ['mail', 'sms'] : ['mail'];
    this.worker = new QueueWorker({
      queue: 'outbox',
      repository: deps.queue,
      clock: deps.clock,
      log: deps.log,
      nodeId: deps.nodeId,
      retry: deps.settings,
      concurrency: deps.settings.concurrency,
      attemptTimeoutMs: deps.settings.attemptTimeoutMs,
      pollMs: POLL_MS,
      sinks: () => channels,
      deliver: (row) => this.sendRow(row),
      settled: (row, outcome, reason, batch) => this.settled(row, outcome, reason, batch),
      ...(deps.batches ? { batches: deps.batches } : {}),
    });
  }

  /** Starts retrying queued messages (those of earlier runs included). */
  start(): void {
    this.worker.start();
  }

  /**
   * Queues a message and sends it at once, in the background. With `batch`, the outbox row is one of the batch's
   * writes and the message goes out once the batch committed; a batch that rolls back queues and sends nothing
   * (its owner decides what follows).
   */
  send<C extends Channel>(channel: C, message: MessageOf<C>, tag: DispatchTag, batch?: WriteBatch): void {
    const { clock, cipher, queue, nodeId, log } = this.deps;
    const now = clock.now();
    const payload = cipher.encrypt(JSON.stringify(message), sealContext(channel));
    const tagText = JSON.stringify(tag);
    const lease = { nodeId, until: now + this.worker.leaseMs };
    const queued = batch ? queue.enqueueMessage(now, channel, payload, tagText, lease, batch) : null;
    const work = (async () => {
      let id: number;
      try {
        id = await (queued ?? queue.enqueueMessage(now, channel, payload, tagText, lease));
      } catch (error) {
        if (queued) return;
        // The store is down: one direct attempt rather than nothing (this message only is not durable).
        log.error({ channel, purpose: tag.purpose, err: error }, 'could not queue a message; sending it without the outbox');
        const row: QueuedDelivery = { id: -1, queue: 'outbox', sink: channel, state: 'queued', attempts: 0, nextAttemptAt: now, createdAt: now, eventId: null, payload, tag: tagText, lastError: null };
        await this.sendMessage(channel, message as MailMessage & SmsMessage).then(() => this.settled(row, 'delivered'), (sendError: unknown) => this.settled(row, 'dead', String(sendError)));
        return;
      }
      const row: QueuedDelivery = { id, queue: 'outbox', sink: channel, state: 'queued', attempts: 0, nextAttemptAt: now, createdAt: now, eventId: null, payload, tag: tagText, lastError: null };
      await this.worker.attempt(row, () => this.sendMessage(channel, message as MailMessage & SmsMessage));
    })();
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private async sendRow(row: QueuedDelivery): Promise<void> {
    const message = JSON.parse(this.deps.cipher.decrypt(row.payload ?? '', sealContext(row.sink))) as MailMessage & SmsMessage;
    await this.sendMessage(row.sink, message);
  }

  private async sendMessage(sink: string, message: MailMessage & SmsMessage): Promise<void> {
    if (sink === 'sms') {
      const gateway = this.deps.senders.sms;
      if (!gateway) throw new Error('no SMS gateway is configured');
      await gateway.send({ to: message.to, text: message.text });
    } else {
      await this.deps.senders.mail.send({ to: message.to, subject: message.subject, text: message.text });
    }
  }

  /** With `batch`, the audit event is one of its writes (not awaited here) and metrics count once it committed. */
  private async settled(row: QueuedDelivery, outcome: AttemptOutcome, reason?: string, batch?: WriteBatch): Promise<void> {
    const channel = row.sink as Channel;
    if (batch) batch.onSettled((committed) => committed && this.deps.metrics.deliveries.inc({ channel, outcome }));
    else this.deps.metrics.deliveries.inc({ channel, outcome });
    const tag = JSON.parse(row.tag ?? '{}') as Partial<DispatchTag>;
    const base = { userId: tag.userId ?? null, username: tag.username ?? null };
    const purpose = tag.purpose ?? 'unknown';
    if (outcome === 'delivered') {
      const recorded = this.deps.audit.record({ ...base, event: deliveryEvents[channel].delivered, outcome: 'success', detail: { purpose, attempts: row.attempts + 1 } }, batch);
      if (!batch) await recorded;
      return;
    }
    this.deps.log.warn({ channel, purpose, username: tag.username, reason, attempts: row.attempts + 1, outcome }, 'delivery failed');
    if (row.attempts === 0 || outcome === 'dead') {
      await this.deps.audit.record({ ...base, event: deliveryEvents[channel].failed, outcome: 'failure', detail: { purpose, reason: (reason ?? 'unknown').slice(0, 200), attempts: row.attempts + 1, final: outcome === 'dead' } });
    }
  }

  /** Resolves when everything handed over so far has been sent once (delivered, or failed and queued for a retry). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    await this.worker.drain();
  }

  /**
   * Waits at most `deadlineMs` for sends in flight, then stops: what is not sent by then stays in the store and
   * goes out after the next start (or from another node).
   */
  async stop(deadlineMs: number): Promise<void> {
    const started = Date.now();
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      (async () => {
        while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
      })(),
      new Promise<void>((resolve) => {
        timeout = setTimeout(resolve, deadlineMs);
      }),
    ]);
    clearTimeout(timeout);
    await this.worker.stop(Math.max(0, deadlineMs - (Date.now() - started)));
  }
}

/** Mail through the outbox. */
export class MailDispatch {
  constructor(private readonly delivery: BackgroundDelivery) {}

  /** With `batch`, the message is queued by the batch's commit (BackgroundDelivery.send). */
  dispatch(message: MailMessage, tag: DispatchTag, batch?: WriteBatch): void {
    this.delivery.send('mail', message, tag, batch);
  }

  drain(): Promise<void> {
    return this.delivery.drain();
  }
}

/** SMS through the outbox. */
export class SmsDispatch {
  constructor(private readonly delivery: BackgroundDelivery) {}

  dispatch(message: SmsMessage, tag: DispatchTag, batch?: WriteBatch): void {
    this.delivery.send('sms', message, tag, batch);
  }
}
