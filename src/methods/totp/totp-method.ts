import type { VerificationMethod, MethodContext, Challenge, VerifyInput } from '../method.js';
import type { RegistrationsRepository } from '../../store/registrations-repository.js';
import type { Clock } from '../../store/clock.js';
import type { Lang } from '../../i18n/lang.js';
import { message } from '../../i18n/messages.js';
import { verifyTotp } from './totp-verification.js';
import { SsprError } from '../../errors/sspr-error.js';

export interface TotpData {
  secret: string;
  lastStep: number | null;
  label: string;
}

/** A code from an authenticator app (RFC 6238): ±1 step, a code already used is refused (no replay). */
export class TotpMethod implements VerificationMethod {
  readonly type = 'totp' as const;

  constructor(
    private readonly registrations: RegistrationsRepository,
    private readonly clock: Clock,
  ) {}

  hint(_user: unknown, _registration: unknown, lang: Lang): string {
    return message(lang, 'method-hints.totp');
  }

  async begin(ctx: MethodContext): Promise<Challenge> {
    return { hint: ctx.method.hint };
  }

  async verify(ctx: MethodContext, input: VerifyInput): Promise<void> {
    const registration = ctx.registration;
    if (!registration) throw new SsprError('totp-wrong');
    const data = registration.data as unknown as TotpData;
    const result = verifyTotp(data.secret, input.code ?? '', { now: this.clock.now(), lastUsedStep: data.lastStep });
    if (!result.ok) throw new SsprError(result.reason === 'malformed' ? 'code-malformed' : 'totp-wrong', { params: { length: 6 } });
    if (!(await this.registrations.replaceData(registration, { ...data, lastStep: result.step }))) throw new SsprError('totp-wrong');
  }
}
