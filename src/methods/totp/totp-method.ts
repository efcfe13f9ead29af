import { z } from 'zod';
import { Secret } from 'otpauth';
import { defineMethod, type VerificationMethod, type MethodContext, type Challenge, type VerifyInput, type Enrolment, type EnrolmentParts, ENROLMENT_TTL_MS } from '../method.js';
import type { RegistrationsRepository } from '../records.js';
import type { Clock } from '../../store/clock.js';
import type { MethodHint } from '../hints.js';
import { verifyTotp } from './totp-verification.js';
import { createTotpEnrolment } from './totp-enrolment.js';
import { totpQrCodeSvg } from './totp-qr-code.js';
import { parseBody } from '../../errors/parse-input.js';
import { SsprError } from '../../errors/sspr-error.js';

/** The shared secret (base32), the last time step used (no replay) and the user's name for the app. */
export const totpData = z.object({ secret: z.string(), lastStep: z.number().int().nullable().default(null), label: z.string() });
export type TotpData = z.infer<typeof totpData>;

/** What a decoy's code is checked against: random per process, and never a reason to accept (see `verify`). */
const THROWAWAY_SECRET = new Secret({ size: 20 }).base32;

/** A code from an authenticator app (RFC 6238): ±1 step, a code already used is refused (no replay). */
export class TotpMethod implements VerificationMethod {
  readonly type = 'totp' as const;

  constructor(
    private readonly registrations: RegistrationsRepository,
    private readonly clock: Clock,
  ) {}

  hint(): MethodHint {
    return { key: 'totp', params: {} };
  }

  async begin(): Promise<Challenge> {
    return {};
  }

  /**
   * Without a registration (a decoy) the code is still checked, against a throwaway secret, so a malformed or a
   * wrong code gets the answer — and costs the work — it would get for a real account; it never verifies.
   */
  async verify(ctx: MethodContext, input: VerifyInput): Promise<void> {
    const registration = ctx.registration;
    const data = registration ? totpData.parse(registration.data) : { secret: THROWAWAY_SECRET, lastStep: null };
    const result = verifyTotp(data.secret, input.code ?? '', { now: this.clock.now(), lastUsedStep: data.lastStep });
    if (!result.ok) throw new SsprError(result.reason === 'malformed' ? 'code-malformed' : 'totp-wrong', { params: { length: 6 } });
    if (!registration) throw new SsprError('totp-wrong');
    if (!(await this.registrations.replaceData(registration, { ...data, lastStep: result.step }))) throw new SsprError('totp-wrong');
  }
}

const confirmInput = z.strictObject({ code: z.string().max(32), label: z.string().max(60).optional() });

export const totpMethod = defineMethod({
  type: 'totp',
  data: totpData,
  label: (data) => data.label,
  create: (parts) => new TotpMethod(parts.registrations, parts.clock),
  enrol: (parts) => totpEnrolment(parts),
  enrolmentInputs: { confirm: confirmInput },
});


/**
 * An authenticator app: `begin` makes a secret and keeps it pending (shown as QR code and key); `confirm`
 * registers it only after a first valid code (at most five tries), remembering that code's step (no replay).
 */
function totpEnrolment(parts: EnrolmentParts): Enrolment<z.input<typeof totpData>> {
  return {
    async begin(ctx) {
      const enrolment = createTotpEnrolment({ issuer: parts.organisation.replace(/:/g, ' '), accountName: ctx.user.username });
      await parts.challenges.put(ctx.pendingKey, { secret: enrolment.secretBase32 }, parts.clock.now() + ENROLMENT_TTL_MS);
      return { show: { uri: enrolment.uri, secret: enrolment.secretBase32, qrSvg: await totpQrCodeSvg(enrolment.uri) } };
    },
    async confirm(ctx, input) {
      const { code, label } = parseBody(confirmInput, input);
      const pending = await parts.challenges.get<{ secret: string }>(ctx.pendingKey, parts.clock.now());
      if (!pending) throw new SsprError('code-expired');
      if (!(await parts.challenges.takeAttempt(ctx.pendingKey, 5))) throw new SsprError('code-attempts-exhausted');
      const result = verifyTotp(pending.data.secret, code, { now: parts.clock.now(), lastUsedStep: null });
      if (!result.ok) throw new SsprError(result.reason === 'malformed' ? 'code-malformed' : 'totp-wrong', { params: { length: 6 } });
      await parts.challenges.take(ctx.pendingKey);
      return { register: { secret: pending.data.secret, lastStep: result.step, label: (label ?? '').trim().slice(0, 60) || 'Authenticator app' } };
    },
  };
}
