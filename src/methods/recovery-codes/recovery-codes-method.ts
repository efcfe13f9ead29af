import { z } from 'zod';
import { defineMethod, type VerificationMethod, type MethodContext, type Challenge, type VerifyInput } from '../method.js';
import type { Registration, RegistrationsRepository } from '../records.js';
import type { MethodHint } from '../hints.js';
import { findRecoveryCode, generateRecoveryCodes, recoveryCodeKeyFor } from './recovery-codes.js';
import { SsprError } from '../../errors/sspr-error.js';

/** HMAC digests of the codes; a used code's slot is null. */
export const recoveryCodesData = z.object({ digests: z.array(z.string().nullable()) });
export type RecoveryCodesData = z.infer<typeof recoveryCodesData>;

const codesLeft = (data: RecoveryCodesData) => data.digests.filter(Boolean).length;

/** One of the ten single-use recovery codes shown at registration. */
export class RecoveryCodesMethod implements VerificationMethod {
  readonly type = 'recovery-codes' as const;

  constructor(
    private readonly registrations: RegistrationsRepository,
    private readonly serviceKey: Buffer,
  ) {}

  hint(_user: unknown, registration: Registration | null): MethodHint {
    const left = registration ? codesLeft(recoveryCodesData.parse(registration.data)) : 0;
    return { key: 'recovery-codes', params: { left } };
  }

  async begin(): Promise<Challenge> {
    return {};
  }

  async verify(ctx: MethodContext, input: VerifyInput): Promise<void> {
    const registration = ctx.registration;
    if (!registration || !ctx.user) throw new SsprError('recovery-code-wrong');
    const data = recoveryCodesData.parse(registration.data);
    const index = findRecoveryCode(recoveryCodeKeyFor(this.serviceKey, ctx.user.id), input.code ?? '', data.digests);
    if (index < 0) throw new SsprError('recovery-code-wrong');
    const digests = [...data.digests];
    digests[index] = null;
    if (!(await this.registrations.replaceData(registration, { digests }))) throw new SsprError('recovery-code-wrong');
  }
}

export const recoveryCodesMethod = defineMethod({
  type: 'recovery-codes',
  data: recoveryCodesData,
  label: (data) => `${codesLeft(data)} of ${data.digests.length} left`,
  create: (parts) => new RecoveryCodesMethod(parts.registrations, parts.recoveryKey),
  /** A new set of ten single-use codes, replacing any earlier set; the codes are shown once. */
  enrol: (parts) => ({
    async begin(ctx) {
      const { codes, digests } = generateRecoveryCodes(recoveryCodeKeyFor(parts.recoveryKey, ctx.user.id), 10);
      return { register: { digests }, replace: true, show: { codes } };
    },
  }),
});
