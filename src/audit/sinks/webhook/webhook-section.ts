import { z } from 'zod';
import { sinkIdPattern } from '../audit-sink.js';
import { providerUrl } from '../../../sms/provider-config.js';
import { webhookSecretPattern } from './standard-webhooks.js';

/**
 * `{"kind": "webhook", "id": "siem-hook", "url": "https://…", "secretFile": "/run/secrets/hook"}`: a POST per
 * audit event signed the Standard Webhooks way. The secret (`whsec_…`) inline as `secret`, or in a file
 * (`secretFile`) so the configuration can stay free of it; exactly one.
 */
export const webhookSectionSchema = z
  .strictObject({
    kind: z.literal('webhook'),
    id: z.string().regex(sinkIdPattern, 'lower-case letters, digits and dashes, at most 40'),
    url: providerUrl,
    secret: z.string().regex(webhookSecretPattern, 'a Standard Webhooks secret: whsec_ and 24–64 bytes in base64').optional(),
    secretFile: z.string().min(1).optional(),
    /** Milliseconds an attempt (connect, send, answer) may take. */
    timeoutMs: z.number().int().min(500).max(60_000).default(5000),
  })
  .refine((section) => (section.secret === undefined) !== (section.secretFile === undefined), { message: 'give exactly one of secret or secretFile' });

export type WebhookSinkSection = z.output<typeof webhookSectionSchema>;
