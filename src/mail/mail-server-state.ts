import type { Logger } from 'pino';
import type { Mailer } from './mailer.js';

export interface MailServerStatus {
  status: 'not-configured' | 'unknown' | 'reachable' | 'unreachable';
  /** Why the last contact failed (the SMTP library's sentence; no credentials). */
  reason?: string;
  /** When that was (epoch ms). */
  at?: number;
}

const PROBE_TIMEOUT_MS = 10_000;

/**
 * Whether the SMTP server could be reached, as far as this process knows: probed once at start-up (a failure is a
 * warning, never a refusal to start — mail waits in the outbox), then kept current by every send. The doctor's
 * `mail-server-reachable` check reads it.
 */
export class MailServerState {
  private current: MailServerStatus;
  private probe: Promise<void> = Promise.resolve();

  constructor(configured: boolean) {
    this.current = { status: configured ? 'unknown' : 'not-configured' };
  }

  get(): MailServerStatus {
    return this.current;
  }

  /** The state once the start-up probe has ended (at most its timeout). */
  async settled(): Promise<MailServerStatus> {
    await this.probe;
    return this.current;
  }

  /** Remembers the start-up probe, for `settled`. */
  probing(probe: Promise<void>): void {
    this.probe = probe;
  }

  set(status: MailServerStatus): void {
    this.current = status;
  }

  /** The mailer, reporting each send's outcome here. */
  watch(mailer: Mailer): Mailer {
    if (this.current.status === 'not-configured') return mailer;
    return {
      send: async (message) => {
        try {
          await mailer.send(message);
        } catch (error) {
          this.set({ status: 'unreachable', reason: reasonOf(error), at: Date.now() });
          throw error;
        }
        this.set({ status: 'reachable', at: Date.now() });
      },
      close: () => mailer.close(),
      verify: mailer.verify?.bind(mailer),
    };
  }
}

function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}

/** Starts the start-up probe of `mailer` (null: no SMTP server configured) and returns the state it fills in. */
export function probeMailServer(mailer: Mailer | null, log: Logger): MailServerState {
  const state = new MailServerState(mailer !== null);
  if (!mailer?.verify) return state;
  const verify = mailer.verify.bind(mailer);
  state.probing((async () => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        verify(),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS / 1000} s`)), PROBE_TIMEOUT_MS);
          timer.unref();
        }),
      ]);
      if (state.get().status === 'unknown') state.set({ status: 'reachable', at: Date.now() });
    } catch (error) {
      if (state.get().status !== 'unknown') return;
      state.set({ status: 'unreachable', reason: reasonOf(error), at: Date.now() });
      log.warn({ reason: reasonOf(error) }, 'the SMTP server is unreachable at start-up: mail waits in the outbox until it answers (see `sspr doctor`)');
    } finally {
      clearTimeout(timer);
    }
  })());
  return state;
}
