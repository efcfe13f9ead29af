import { DirectoryError, type OnPremAccount, type OnPremDirectory } from '../directory/onprem/onprem-directory.js';
import { linkedAccount } from '../writeback/direct-writeback.js';
import { DirectInspector } from '../writeback/direct-inspector.js';
import { directoryActs } from '../writeback/directory-acts.js';
import { openSealed, SealError } from '../writeback/agent-protocol/sealed-password.js';
import type { AgentPrivateKeys } from '../writeback/agent-protocol/sealed-password.js';
import type { AnswerMessage, JobMessage, QueryMessage, ResultMessage } from '../writeback/agent-protocol/protocol.js';
import type { AgentReport } from '../writeback/agents-repository.js';

const RAW_LIMIT = 500;

/**
 * Carries out jobs and answers queries against the directory next to the agent. Pure request → answer; the
 * client handles transport, de-duplication and delivery. Never throws: every fault becomes a failure result
 * with a DirectoryFailure reason and the directory's own text.
 */
export class AgentWorker {
  private readonly inspector: DirectInspector;

  constructor(
    private readonly directory: OnPremDirectory,
    private readonly keys: AgentPrivateKeys,
  ) {
    this.inspector = new DirectInspector(directory);
  }

  /**
   * Opens the job and applies it. With an account hint (feature 'account-hint') the look-up of that account is sent
   * to the directory before the envelope is opened, so the opening's CPU time passes while the directory answers;
   * the look-up is used only when the hint names exactly the sealed account (name and anchor), and it only reads:
   * whatever the hint says, the act is applied to the account the sealed name and anchor lead to.
   */
  async execute(job: JobMessage, serverNow: number): Promise<ResultMessage> {
    const fail = (reason: NonNullable<ResultMessage['reason']>, raw: string): ResultMessage => ({ type: 'result', jobId: job.jobId, outcome: 'failure', reason, raw: raw.slice(0, RAW_LIMIT) });
    const hint = job.account;
    const early = hint ? settled(linkedAccount(this.directory, { username: hint.username, anchor: hint.anchor, source: this.directory.kind })) : null;
    // One turn for the look-up's request to leave (it is written from promise callbacks) before the CPU-bound open.
    if (early) await new Promise<void>((resolve) => setImmediate(resolve));
    let payload;
    try {
      payload = await openSealed(this.keys, job.envelope, { expectedJobId: job.jobId, now: serverNow });
    } catch (error) {
      if (error instanceof SealError && error.reason === 'expired') return fail('timeout', 'the job arrived after its deadline; nothing was changed');
      return fail('access-denied', `sealed job refused: ${error instanceof SealError ? error.reason : 'unreadable'}; nothing was changed`);
    }
    const target = { username: payload.account.username, anchor: payload.account.anchor === '-' ? null : payload.account.anchor, source: this.directory.kind };
    try {
      const hinted = early && hint?.username === target.username && hint.anchor === target.anchor ? await early : null;
      const account = hinted ? unwrap(hinted) : await linkedAccount(this.directory, target);
      switch (payload.operation) {
        case 'reset':
          await directoryActs.reset(this.directory, account, payload.newPassword as string, { mustChange: payload.mustChange === true });
          break;
        case 'change':
          await directoryActs.change(this.directory, account, payload.oldPassword as string, payload.newPassword as string);
          break;
        case 'unlock':
          await directoryActs.unlock(this.directory, account);
          break;
        case 'verify':
          if (!(await directoryActs.verify(this.directory, account, payload.oldPassword as string))) return fail('invalid-credentials', 'the password is not right');
          break;
      }
      return { type: 'result', jobId: job.jobId, outcome: 'success' };
    } catch (error) {
      if (error instanceof DirectoryError) return fail(error.reason, error.raw);
      return fail('unreachable', error instanceof Error ? error.message : String(error));
    }
  }

  async answer(query: QueryMessage): Promise<AnswerMessage> {
    const ok = (data: unknown): AnswerMessage => ({ type: 'answer', queryId: query.queryId, ok: true, data });
    try {
      const user = { username: query.username ?? '', anchor: query.anchor ?? null };
      switch (query.kind) {
        case 'probe':
          return ok(await this.inspector.probe());
        case 'inspect':
          return ok(await this.inspector.inspect(user));
        case 'policy':
          return ok(await this.directory.readPasswordPolicy(await linkedAccount(this.directory, { ...user, source: this.directory.kind })));
        case 'changed-since': {
          const inspection = await this.inspector.inspect(user);
          if (!inspection.account || inspection.anchorMatches === false) throw new DirectoryError('user-not-found', 'no object with this name and anchor');
          return ok({ passwordChangedAt: inspection.passwordChangedAt });
        }
      }
    } catch (error) {
      const reason = error instanceof DirectoryError ? error.reason : 'unreachable';
      const raw = error instanceof DirectoryError ? error.raw : error instanceof Error ? error.message : String(error);
      return { type: 'answer', queryId: query.queryId, ok: false, reason, raw: raw.slice(0, RAW_LIMIT) };
    }
  }

  /** The directory part of the heartbeat report. */
  async probe(): Promise<AgentReport['directory']> {
    try {
      const probe = await this.inspector.probe();
      return {
        reachable: probe.reachable,
        encrypted: probe.encrypted,
        serviceBindOk: probe.serviceBindOk,
        latencyMs: Math.round(probe.latencyMs * 10) / 10,
        policyHints: probe.policyHints,
        ...(probe.error ? { error: { reason: probe.error.reason, raw: probe.error.raw.slice(0, RAW_LIMIT) } } : {}),
      };
    } catch (error) {
      return { reachable: false, encrypted: false, serviceBindOk: false, latencyMs: 0, policyHints: null, error: { reason: 'unreachable', raw: (error instanceof Error ? error.message : String(error)).slice(0, RAW_LIMIT) } };
    }
  }
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** The outcome of `promise` as a value: an early look-up that is never used must not reject unhandled. */
function settled<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

function unwrap(outcome: Settled<OnPremAccount>): OnPremAccount {
  if (outcome.ok) return outcome.value;
  throw outcome.error;
}
