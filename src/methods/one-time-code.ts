import { randomBytes } from 'node:crypto';
import type { FlowRecord, FlowsRepository, OfferedMethod } from '../store/flows-repository.js';
import type { Clock } from '../store/clock.js';
import { hmac, numericCode, safeEqual } from '../crypto/tokens.js';
import { SsprError } from '../errors/sspr-error.js';

export interface CodeSettings {
  codeLength: number;
  codeTtlSeconds: number;
  maxCodeAttempts: number;
}

/**
 * Issuing and checking numeric one-time codes, shared by every method that sends one (email, SMS):
 * ≥ 6 digits from a CSPRNG, stored only as an HMAC bound to flow and method, valid for a limited time,
 * single use, a limited number of wrong tries per code; a new code voids the previous one.
 */
export class OneTimeCodes {
  constructor(
    private readonly flows: FlowsRepository,
    private readonly codeKey: Buffer,
    private readonly clock: Clock,
    private readonly settings: CodeSettings,
  ) {}

  private digestOf(flow: FlowRecord, method: OfferedMethod, code: string): string {
    return hmac(this.codeKey, flow.digest, method.id, code);
  }

  /**
   * Creates and stores a new code and returns it for delivery. With `decoy` the stored digest matches no
   * code at all, but the work done is the same.
   */
  async issue(flow: FlowRecord, method: OfferedMethod, decoy: boolean): Promise<string> {
    const now = this.clock.now();
    const code = numericCode(this.settings.codeLength);
    const stored = decoy ? randomBytes(32).toString('base64url') : this.digestOf(flow, method, code);
    await this.flows.replaceCode(flow.digest, method.id, stored, now + this.settings.codeTtlSeconds * 1000, now);
    return code;
  }

  async check(flow: FlowRecord, method: OfferedMethod, response: string): Promise<void> {
    const code = response.replace(/[\s-]/g, '');
    const length = this.settings.codeLength;
    if (!new RegExp(`^\\d{${length}}$`).test(code)) throw new SsprError('code-malformed', { params: { length } });

    const record = await this.flows.latestCode(flow.digest, method.id);
    if (!record) throw new SsprError('code-not-sent');
    const now = this.clock.now();
    if (record.consumedAt !== null || record.expiresAt <= now) {
      throw new SsprError(record.attempts >= this.settings.maxCodeAttempts ? 'code-attempts-exhausted' : 'code-expired');
    }
    if (!(await this.flows.takeAttempt(record.id, this.settings.maxCodeAttempts))) throw new SsprError('code-attempts-exhausted');

    if (!safeEqual(this.digestOf(flow, method, code), record.codeHash)) {
      const remaining = this.settings.maxCodeAttempts - (record.attempts + 1);
      if (remaining <= 0) throw new SsprError('code-attempts-exhausted');
      throw new SsprError('code-wrong', { params: { remaining } });
    }
    if (!(await this.flows.consumeCode(record.id, now))) throw new SsprError('code-expired');
  }
}
