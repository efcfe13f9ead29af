import { z } from 'zod';
import { defineMethod, type VerificationMethod, type MethodContext, type Challenge, type VerifyInput, type Enrolment, type EnrolmentParts, ENROLMENT_TTL_MS } from '../method.js';
import { parseBody } from '../../errors/parse-input.js';
import type { Registration, RegistrationsRepository } from '../records.js';
import type { ChallengesRepository } from '../../store/challenges-repository.js';
import type { Clock } from '../../store/clock.js';
import type { MethodHint } from '../hints.js';
import type { PasskeyService } from './passkey-service.js';
import { knownTransports } from './passkey-response-schema.js';
import { PasskeyError } from './passkey-error.js';
import { SsprError } from '../../errors/sspr-error.js';

/** The credential as `PasskeyService` keeps it (binary values unpadded base64url) and the user's name for it. */
export const passkeyData = z.object({
  credentialId: z.string(),
  publicKey: z.string(),
  counter: z.number().int().nonnegative(),
  transports: z.array(z.string()).transform(knownTransports),
  createdAt: z.number(),
  label: z.string(),
});
export type PasskeyData = z.infer<typeof passkeyData>;

const keyOf = (ctx: MethodContext) => `flow:${ctx.flow.digest}:${ctx.method.id}`;
const CHALLENGE_TTL_MS = 5 * 60_000;

/**
 * A passkey (WebAuthn assertion) for the registered credential. The challenge is single use: it is taken
 * before the assertion is checked, whatever the outcome, so a replayed assertion always fails.
 */
export class PasskeyMethod implements VerificationMethod {
  readonly type = 'passkey' as const;

  constructor(
    private readonly passkeys: PasskeyService,
    private readonly registrations: RegistrationsRepository,
    private readonly challenges: ChallengesRepository,
    private readonly clock: Clock,
  ) {}

  hint(_user: unknown, registration: Registration | null): MethodHint {
    const label = registration ? passkeyData.parse(registration.data).label : 'Passkey';
    return { key: 'passkey', params: { label } };
  }

  async begin(ctx: MethodContext): Promise<Challenge> {
    const stored = ctx.registration ? passkeyData.parse(ctx.registration.data) : undefined;
    const issued = await this.passkeys.authenticationOptions(stored ? [stored] : []);
    await this.challenges.put(keyOf(ctx), { challenge: issued.challenge }, this.clock.now() + CHALLENGE_TTL_MS);
    return { passkeyOptions: issued.options };
  }

  async verify(ctx: MethodContext, input: VerifyInput): Promise<void> {
    const pending = await this.challenges.get<{ challenge: string }>(keyOf(ctx), this.clock.now());
    if (!pending || !(await this.challenges.take(keyOf(ctx)))) throw new SsprError('code-not-sent');
    const registration = ctx.registration;
    if (!registration) throw new SsprError('passkey-failed');
    const stored = passkeyData.parse(registration.data);
    try {
      const result = await this.passkeys.verifyAuthentication(input.credential, pending.data.challenge, stored);
      if (!(await this.registrations.replaceData(registration, { ...stored, counter: result.newCounter }))) throw new SsprError('passkey-failed');
    } catch (error) {
      if (error instanceof PasskeyError) throw new SsprError('passkey-failed', { cause: error });
      throw error;
    }
  }
}

/** `{credential, label?}` from API clients, or the bare credential as the pages' passkey script posts it. */
const credentialInput = z.union([
  z.strictObject({ credential: z.record(z.string(), z.unknown()), label: z.string().max(60).optional() }),
  z.looseObject({ id: z.string().max(1024), response: z.record(z.string(), z.unknown()) }).transform((credential) => ({ credential, label: undefined })),
]);

export const passkeyMethod = defineMethod({
  type: 'passkey',
  data: passkeyData,
  label: (data) => data.label,
  create: (parts) => (parts.passkeys ? new PasskeyMethod(parts.passkeys, parts.registrations, parts.challenges, parts.clock) : null),
  enrol: (parts) => (parts.passkeys ? passkeyEnrolment(parts.passkeys, parts) : null),
  enrolmentInputs: { confirm: credentialInput },
});


/**
 * A passkey: `begin` makes WebAuthn creation options (the user's passkeys excluded) and keeps the challenge;
 * `confirm` verifies the attestation against it — single use, taken before it is checked.
 */
function passkeyEnrolment(passkeys: PasskeyService, parts: EnrolmentParts): Enrolment<z.input<typeof passkeyData>> {
  return {
    async begin(ctx) {
      const user = ctx.user;
      const existing = (await parts.registrations.listForUser(user.id)).filter((r) => r.type === 'passkey').map((r) => passkeyData.parse(r.data));
      const issued = await passkeys.registrationOptions({ id: user.id, username: user.username, displayName: user.displayName }, existing);
      await parts.challenges.put(ctx.pendingKey, { challenge: issued.challenge }, parts.clock.now() + ENROLMENT_TTL_MS);
      return { show: issued.options };
    },
    async confirm(ctx, input) {
      const { credential, label } = parseBody(credentialInput, input);
      const pending = await parts.challenges.get<{ challenge: string }>(ctx.pendingKey, parts.clock.now());
      if (!pending || !(await parts.challenges.take(ctx.pendingKey))) throw new SsprError('code-expired');
      try {
        const stored = await passkeys.verifyRegistration(credential, pending.data.challenge);
        return { register: { ...stored, label: (label ?? '').trim().slice(0, 60) || 'Passkey' } };
      } catch (error) {
        if (error instanceof PasskeyError) throw new SsprError('passkey-failed', { cause: error });
        throw error;
      }
    },
  };
}

/** The relying party for WebAuthn: the public URL's host (an IP address cannot be an RP ID; use localhost). */
export function relyingPartyFrom(publicUrl: string | undefined, host: string, port: number): { rpId: string; origin: string } | null {
  const url = new URL(publicUrl ?? `http://${host === '127.0.0.1' || host === '::1' || host === '0.0.0.0' ? 'localhost' : host}:${port}`);
  if (/^\d+\.\d+\.\d+\.\d+$/.test(url.hostname) || url.hostname.includes(':')) return null;
  return { rpId: url.hostname, origin: url.origin };
}
