import { z } from 'zod';
import { defineMethod, type VerificationMethod, type MethodContext, type Challenge, type VerifyInput } from '../method.js';
import type { RegistrationsRepository } from '../../store/registrations-repository.js';
import type { Clock } from '../../store/clock.js';
import type { Lang } from '../../i18n/lang.js';
import { verifyTotp } from './totp-verification.js';
import { SsprError } from '../../errors/sspr-error.js';

/** The shared secret (base32), the last time step used (no replay) and the user's name for the app. */
export const totpData = z.object({ secret: z.string(), lastStep: z.number().int().nullable().default(null), label: z.string() });
export type TotpData = z.infer<typeof totpData>;

/** A code from an authenticator app (RFC 6238): ±1 step, a code already used is refused (no replay). */
export class TotpMethod implements VerificationMethod {
  readonly type = 'totp' as const;

  constructor(
    private readonly registrations: RegistrationsRepository,
    private readonly clock: Clock,
  ) {}

  hint(_user: unknown, _registration: unknown, lang: Lang): string {
    return lang === 'de' ? 'Code aus Ihrer Authenticator-App' : 'Code from your authenticator app';
  }

  async begin(ctx: MethodContext): Promise<Challenge> {
    return { hint: ctx.method.hint };
  }

  async verify(ctx: MethodContext, input: VerifyInput): Promise<void> {
    const registration = ctx.registration;
    if (!registration) throw new SsprError('totp-wrong');
    const data = totpData.parse(registration.data);
    const result = verifyTotp(data.secret, input.code ?? '', { now: this.clock.now(), lastUsedStep: data.lastStep });
    if (!result.ok) throw new SsprError(result.reason === 'malformed' ? 'code-malformed' : 'totp-wrong', { params: { length: 6 } });
    if (!(await this.registrations.replaceData(registration, { ...data, lastStep: result.step }))) throw new SsprError('totp-wrong');
  }
}

export const totpMethod = defineMethod({
  type: 'totp',
  data: totpData,
  label: (data) => data.label,
  create: (parts) => new TotpMethod(parts.registrations, parts.clock),
});
