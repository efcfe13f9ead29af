import { z } from 'zod';
import { providerTimeoutMs, providerUrl } from '../provider-config.js';
import type { SmsProviderModule } from '../sms-provider.js';
import { webhookSmsGateway } from './webhook-gateway.js';

/** `{"provider": "webhook", …}`: a signed JSON POST per SMS to a receiver of the operator's choice. */
export const webhookSectionSchema = z.strictObject({
  provider: z.literal('webhook'),
  /** Receives a signed JSON POST per SMS. */
  url: providerUrl,
  /** HMAC-SHA256 key shared with the receiver. */
  secret: z.string().min(16),
  timeoutMs: providerTimeoutMs,
});

export type WebhookSection = z.output<typeof webhookSectionSchema>;

export const webhookProvider: SmsProviderModule<WebhookSection> = {
  gateway: (section) => webhookSmsGateway({ url: section.url, secret: section.secret, timeoutMs: section.timeoutMs }),
  secretKeys: ['secret'],
};
