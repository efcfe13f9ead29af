import type { DirectoryUser } from '../../../src/directory/directory.js';
import type { FlowRecord, FlowsRepository, Registration } from '../../../src/methods/records.js';
import type { ThrottleRepository } from '../../../src/store/throttle-repository.js';
import type { AuditEvent } from '../../../src/store/audit-repository.js';
import type { MailMessage } from '../../../src/mail/mailer.js';
import type { DispatchTag } from '../../../src/delivery/background-delivery.js';
import type { MethodContext, MethodType, VerificationMethod, VerifyInput } from '../../../src/methods/method.js';
import type { PasswordChecker } from '../../../src/policy/password-checker.js';
import type { PasswordFlows } from '../../../src/flows/password/set-password.js';
import { defaultSsprPolicy, type SsprPolicy } from '../../../src/policy/sspr-policy.js';
import { SsprError } from '../../../src/errors/sspr-error.js';
import { Throttles } from '../../../src/policy/throttles.js';
import { ManualClock } from '../../support/manual-clock.js';

/** In-memory fakes of the store and the delivery, with the repositories' compare-and-set semantics. */

export function userNamed(username: string, overrides: Partial<DirectoryUser> = {}): DirectoryUser {
  return {
    id: `id-${username}`, username, displayName: username, firstName: username, lastName: 'Tester',
    email: `${username}@example.org`, mobile: null, enabled: true, isAdmin: false, source: 'local', anchor: null,
    ...overrides,
  };
}

type StoredFlow = FlowRecord & { claimedAt: number | null; codes: number };

export class MemoryFlows implements Pick<FlowsRepository, 'create' | 'findLive' | 'takeSend' | 'markVerified' | 'claim'>, PasswordFlows {
  readonly rows = new Map<string, StoredFlow>();

  async create(flow: Omit<FlowRecord, 'verified' | 'sends' | 'state'>): Promise<void> {
    this.rows.set(flow.digest, { ...flow, state: 'started', verified: [], sends: 0, claimedAt: null, codes: 0 });
  }
  async findLive(digest: string, now: number): Promise<FlowRecord | null> {
    const row = this.rows.get(digest);
    return row && row.expiresAt > now ? { ...row } : null;
  }
  async takeSend(digest: string, limit: number): Promise<boolean> {
    const row = this.rows.get(digest);
    if (!row || row.sends >= limit) return false;
    row.sends++;
    row.codes++;
    return true;
  }
  async markVerified(digest: string, verified: string[], complete: boolean): Promise<void> {
    const row = this.rows.get(digest);
    if (row?.state !== 'started') return;
    row.verified = verified;
    if (complete) row.state = 'verified';
  }
  async claim(digest: string, now: number, leaseMs: number): Promise<number | null> {
    const row = this.rows.get(digest);
    if (!row || !(row.state === 'verified' || (row.state === 'completing' && (row.claimedAt ?? 0) <= now - leaseMs))) return null;
    row.state = 'completing';
    row.claimedAt = now;
    return now;
  }
  async releaseClaim(digest: string, claimedAt: number): Promise<void> {
    const row = this.rows.get(digest);
    if (row?.state === 'completing' && row.claimedAt === claimedAt) Object.assign(row, { state: 'verified', claimedAt: null });
  }
  async completeClaimed(digest: string, claimedAt: number): Promise<boolean> {
    const row = this.rows.get(digest);
    if (!row) return false;
    row.codes = 0;
    if (row.state !== 'completing' || row.claimedAt !== claimedAt) return false;
    row.state = 'completed';
    return true;
  }
  async endOpenFlowsOfUser(userId: string, except: string | null): Promise<void> {
    for (const [digest, row] of this.rows) {
      if (row.userId === userId && digest !== except && (row.state === 'started' || row.state === 'verified')) this.rows.delete(digest);
    }
  }
}

export class MemoryThrottleStore implements Pick<ThrottleRepository, 'record' | 'countSince' | 'block' | 'activeBlocks' | 'activeBlocksByScope' | 'clear' | 'takeSlot'> {
  readonly events: Array<{ scope: string; at: number }> = [];
  readonly blocks = new Map<string, { until: number; reason: string }>();

  async record(scope: string, at: number): Promise<void> {
    this.events.push({ scope, at });
  }
  async countSince(scope: string, since: number): Promise<number> {
    return this.events.filter((e) => e.scope === scope && e.at > since).length;
  }
  async block(scope: string, until: number, reason: string): Promise<void> {
    this.blocks.set(scope, { until, reason });
  }
  async activeBlocks(scopes: string[], now: number) {
    return scopes.flatMap((scope) => {
      const block = this.blocks.get(scope);
      return block && block.until > now ? [{ scope, ...block }] : [];
    });
  }
  async activeBlocksByScope(scopes: readonly string[], now: number) {
    const found = new Map<string, { until: number; reason: string }>();
    for (const scope of scopes) {
      const block = this.blocks.get(scope);
      if (block && block.until > now) found.set(scope, block);
    }
    return found;
  }
  async clear(scopes: string[]): Promise<void> {
    for (const scope of scopes) this.blocks.delete(scope);
    this.events.splice(0, this.events.length, ...this.events.filter((e) => !scopes.includes(e.scope)));
  }
  async takeSlot(scope: string, now: number, until: number): Promise<boolean> {
    const slot = this.blocks.get(scope);
    if (slot && slot.until > now) return false;
    this.blocks.set(scope, { until, reason: 'slot' });
    return true;
  }
}

/** Sign-in guessing limits in memory: a name is blocked once `limit` failures were counted. */
export class MemoryGuesses {
  readonly failures = new Map<string, number>();
  constructor(private readonly limit = 5) {}

  async blockedUntil(username: string): Promise<number | null> {
    return (this.failures.get(username) ?? 0) >= this.limit ? Number.MAX_SAFE_INTEGER : null;
  }
  async guard(username: string): Promise<{ blockedUntil: number | null; clientFailures: boolean }> {
    return { blockedUntil: await this.blockedUntil(username), clientFailures: this.failures.has(username) };
  }
  async failed(username: string): Promise<number | null> {
    this.failures.set(username, (this.failures.get(username) ?? 0) + 1);
    return this.blockedUntil(username);
  }
  async succeeded(username: string): Promise<void> {
    this.failures.delete(username);
  }
}

export class MemorySessions {
  readonly rows = new Map<string, string>();
  /** When set, the next call fails once (a crash between two steps). */
  failNext: Error | null = null;

  async deleteForUser(userId: string, keep: string | null = null): Promise<void> {
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = null;
      throw error;
    }
    for (const [digest, owner] of this.rows) if (owner === userId && digest !== keep) this.rows.delete(digest);
  }
}

export class Recorder {
  readonly audit: AuditEvent[] = [];
  readonly mails: Array<{ message: MailMessage; tag: DispatchTag }> = [];
  readonly auditSink = { record: async (event: AuditEvent) => void this.audit.push(event) };
  readonly mailSink = { dispatch: (message: MailMessage, tag: DispatchTag) => void this.mails.push({ message, tag }) };
  events(name: string) {
    return this.audit.filter((e) => e.event === name);
  }
  /** The owner's notices as mails tagged `notice-<name>` (the real AccountNotices picks channels and links). */
  readonly noticeSink = {
    send: async (user: { id: string; username: string; email: string | null }, notice: string) =>
      this.mailSink.dispatch({ to: user.email ?? '', subject: notice, text: '' }, { purpose: `notice-${notice}`, userId: user.id, username: user.username }),
  };
}

/** No account is frozen, unless its id is in `frozen`. */
export function freezeOf(frozen: Set<string> = new Set()) {
  return {
    expectNotFrozen: async (user: { id: string }) => {
      if (frozen.has(user.id)) throw new SsprError('account-frozen');
    },
  };
}

/** Runs work "after the answer" only when the test says so. */
export class DeferredWork {
  readonly queue: Array<() => Promise<void>> = [];
  run(work: () => Promise<void>): void {
    this.queue.push(work);
  }
  async flush(): Promise<void> {
    while (this.queue.length > 0) await this.queue.shift()!();
  }
}

/** A delivered-code method whose right code is "123456"; it sends nothing. */
export function fakeCodeMethod(type: MethodType): VerificationMethod {
  return {
    type,
    hint: (user) => (type === 'totp' ? { key: 'totp', params: {} } : `hint for ${user.username}`),
    begin: async () => ({}),
    verify: async (ctx: MethodContext, input: VerifyInput) => {
      if (!ctx.user || input.code !== '123456') throw new SsprError('code-wrong', { params: { remaining: 0 } });
    },
  };
}

/** Accepts any password but "weak". */
export const fakeChecker: PasswordChecker = {
  settings: {} as PasswordChecker['settings'],
  check: async (password) =>
    password === 'weak'
      ? { accepted: false, score: 0, reasons: [{ code: 'too-short', key: 'password-policy.too-short', message: 'Too short.', params: { min: 8, actual: 4 } }], suggestions: [], breachCheck: 'skipped' }
      : { accepted: true, score: 4, reasons: [], suggestions: [], breachCheck: 'skipped' },
} as PasswordChecker;

export function policyStore(overrides: Partial<SsprPolicy> = {}) {
  const policy = { ...defaultSsprPolicy, ...overrides };
  return { current: async () => policy };
}

export function registration(user: DirectoryUser, type: Registration['type'], data: Record<string, unknown> = {}): Registration {
  return { id: `reg-${user.username}-${type}`, userId: user.id, type, data, createdAt: 0, confirmedAt: 0, lastUsedAt: null, stored: '' };
}

/** The in-memory store parts and recorders most rule tests start from. */
export function memoryParts() {
  const clock = new ManualClock();
  const throttleStore = new MemoryThrottleStore();
  return {
    clock, throttleStore, throttles: new Throttles(throttleStore, clock), flows: new MemoryFlows(), sessions: new MemorySessions(), recorder: new Recorder(),
    guesses: new MemoryGuesses(),
  };
}

export { ManualClock };
