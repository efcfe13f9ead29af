import { z } from 'zod';
import type { VerificationMethod, MethodContext, Challenge, VerifyInput, Enrolment, EnrolmentParts } from './method.js';
import type { DirectoryUser } from '../directory/directory.js';
import type { Registration, FlowsRepository } from './records.js';
import { enrolmentCodeSlot, flowCodeSlot, type OneTimeCodes } from './one-time-code.js';
import { parseBody } from '../errors/parse-input.js';
import type { DispatchTag } from '../delivery/background-delivery.js';
import type { Lang } from '../i18n/lang.js';

/** Why a code goes out: a password reset, or confirming a new address or number for later resets. */
export type CodePurpose = 'reset' | 'enrolment';

/** What differs between the code-by-message methods (e-mail, SMS): where the code goes and how. */
export interface CodeChannel<T extends 'email' | 'sms' = 'email' | 'sms'> {
  type: T;
  /** The registered target, or the contact data the directory holds. */
  target(user: DirectoryUser, registration: Registration | null): string | null;
  mask(target: string): string;
  deliver(to: string, code: string, lang: Lang, minutes: number, purpose: CodePurpose, tag: DispatchTag): void;
}

/**
 * A numeric one-time code delivered by a message. For a decoy flow the code is issued (same work) but
 * nothing is delivered and nothing will ever verify.
 */
export class DeliveredCodeMethod<T extends 'email' | 'sms'> implements VerificationMethod<T> {
  readonly type: T;

  constructor(
    private readonly channel: CodeChannel<T>,
    private readonly codes: OneTimeCodes,
    private readonly flows: FlowsRepository,
  ) {
    this.type = channel.type;
  }

  hint(user: DirectoryUser, registration: Registration | null): string {
    return this.channel.mask(this.channel.target(user, registration) ?? '');
  }

  async begin(ctx: MethodContext): Promise<Challenge> {
    const code = await this.codes.issue(flowCodeSlot(this.flows, ctx.flow, ctx.method), ctx.user === null);
    const to = ctx.user ? this.channel.target(ctx.user, ctx.registration) : null;
    if (ctx.user && to) {
      const tag = { purpose: 'reset-code', userId: ctx.user.id, username: ctx.user.username };
      this.channel.deliver(to, code, ctx.request.lang, Math.round(this.codes.ttlSeconds / 60), 'reset', tag);
    }
    return { expiresInSeconds: this.codes.ttlSeconds };
  }

  verify(ctx: MethodContext, input: VerifyInput): Promise<void> {
    return this.codes.check(flowCodeSlot(this.flows, ctx.flow, ctx.method), input.code ?? '');
  }
}

/** The body confirming a code sent to a new address or number. */
export const codeInput = z.strictObject({ code: z.string().max(32) });

/**
 * Confirming a new address or number: `target` reads and checks it from the input; a code goes there under the
 * reset's code rules, counted against the limits first; `toData` makes the registration once the code comes back.
 */
export function contactEnrolment<T extends 'email' | 'sms', D>(
  channel: CodeChannel<T>,
  parts: EnrolmentParts,
  target: (input: unknown) => string,
  toData: (target: string) => D,
): Enrolment<D> {
  return {
    async begin(ctx, input) {
      const to = target(input);
      await parts.limits.take(ctx.user.id, channel.type, to);
      const code = await parts.codes.issue(enrolmentCodeSlot(parts.challenges, ctx.pendingKey, to));
      const tag = { purpose: 'registration-code', userId: ctx.user.id, username: ctx.user.username };
      channel.deliver(to, code, ctx.request.lang, Math.round(parts.codes.ttlSeconds / 60), 'enrolment', tag);
      return { show: { hint: channel.mask(to) } };
    },
    async confirm(ctx, input) {
      const slot = enrolmentCodeSlot(parts.challenges, ctx.pendingKey);
      await parts.codes.check(slot, parseBody(codeInput, input).code);
      return { register: toData(slot.confirmedTarget()) };
    },
  };
}
