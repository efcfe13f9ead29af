import type { VerificationMethod, MethodContext, Challenge, VerifyInput } from '../method.js';
import type { RegistrationsRepository } from '../../store/registrations-repository.js';
import type { Lang } from '../../i18n/lang.js';
import { message } from '../../i18n/messages.js';
import { findRecoveryCode, recoveryCodeKeyFor } from './recovery-codes.js';
import { SsprError } from '../../errors/sspr-error.js';

export interface RecoveryCodesData {
  /** HMAC digests; a used code's slot is null. */
  digests: Array<string | null>;
}

/** One of the ten single-use recovery codes shown at registration. */
export class RecoveryCodesMethod implements VerificationMethod {
  readonly type = 'recovery-codes' as const;

  constructor(
    private readonly registrations: RegistrationsRepository,
    private readonly serviceKey: Buffer,
  ) {}

  hint(_user: unknown, registration: { data: Record<string, unknown> } | null, lang: Lang): string {
    const left = ((registration?.data as unknown as RecoveryCodesData | undefined)?.digests ?? []).filter(Boolean).length;
    return message(lang, 'method-hints.recovery-codes', { left });
  }

  async begin(ctx: MethodContext): Promise<Challenge> {
    return { hint: ctx.method.hint };
  }

  async verify(ctx: MethodContext, input: VerifyInput): Promise<void> {
    const registration = ctx.registration;
    if (!registration || !ctx.user) throw new SsprError('recovery-code-wrong');
    const data = registration.data as unknown as RecoveryCodesData;
    const index = findRecoveryCode(recoveryCodeKeyFor(this.serviceKey, ctx.user.id), input.code ?? '', data.digests);
    if (index < 0) throw new SsprError('recovery-code-wrong');
    const digests = [...data.digests];
    digests[index] = null;
    if (!(await this.registrations.replaceData(registration, { digests }))) throw new SsprError('recovery-code-wrong');
  }
}
