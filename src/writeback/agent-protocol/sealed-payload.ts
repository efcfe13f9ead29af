/**
 * What the server seals for the agent: one directory operation on one account. The job identity, operation and
 * deadline travel in the clear part of the envelope (authenticated as GCM associated data); the account and the
 * passwords travel only inside the ciphertext.
 */
import { z } from 'zod';
import type { SecretPart } from './secret-codec.js';

/** Password lengths follow the policy ceiling (config `maxLength` ≤ 1024 code points). */
const MAX_PASSWORD_CODE_POINTS = 1024;

export const jobIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'job id: 1–128 of [A-Za-z0-9._:-]');
export const operationSchema = z.enum(['reset', 'change', 'unlock', 'verify']);
export type SealedOperation = z.infer<typeof operationSchema>;

const passwordSchema = z
  .string()
  .min(1)
  .refine((s) => [...s].length <= MAX_PASSWORD_CODE_POINTS, `at most ${MAX_PASSWORD_CODE_POINTS} code points`);

const accountSchema = z.strictObject({
  username: z.string().min(1).max(256),
  /** entryUUID / objectGUID as the directory adapters report it. */
  anchor: z.string().min(1).max(128),
});

export const sealedPayloadSchema = z
  .strictObject({
    jobId: jobIdSchema,
    operation: operationSchema,
    account: accountSchema,
    newPassword: passwordSchema.optional(),
    oldPassword: passwordSchema.optional(),
    /**
     * A reset leaves "must change at next sign-in" set (AD pwdLastSet=0, OpenLDAP ppolicy pwdReset TRUE). Sealed
     * only for agents that announced the feature 'must-change' (protocol.ts agentFeatures).
     */
    mustChange: z.literal(true).optional(),
    /** Epoch milliseconds; the agent refuses the envelope when its clock is past this instant. */
    notAfter: z.number().int().positive(),
  })
  .refine(
    (p) =>
      p.operation === 'reset'
        ? p.newPassword !== undefined && p.oldPassword === undefined
        : p.operation === 'change'
          ? p.newPassword !== undefined && p.oldPassword !== undefined
          : p.operation === 'verify'
            ? p.newPassword === undefined && p.oldPassword !== undefined
            : p.newPassword === undefined && p.oldPassword === undefined,
    'reset carries newPassword only, change both passwords, verify the password to check (oldPassword), unlock none',
  )
  .refine((p) => p.mustChange === undefined || p.operation === 'reset', { message: 'only a reset carries mustChange', path: ['mustChange'] });

export type SealedPayload = z.infer<typeof sealedPayloadSchema>;

/** The encrypted part of the payload (secret-codec.ts encodes it). */
export function toSecretPart(payload: SealedPayload): SecretPart {
  const part: SecretPart = { username: payload.account.username, anchor: payload.account.anchor };
  if (payload.newPassword !== undefined) part.newPassword = payload.newPassword;
  if (payload.oldPassword !== undefined) part.oldPassword = payload.oldPassword;
  if (payload.mustChange === true) part.mustChange = true;
  return part;
}
