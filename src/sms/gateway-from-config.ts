import { z } from 'zod';
import { isE164 } from '../methods/phone/phone-number.js';
import type { SmsGateway } from './sms-gateway.js';
import { twilioSmsGateway } from './twilio-gateway.js';
import { webhookSmsGateway } from './webhook-gateway.js';

/**
 * https:// everywhere; http:// only to a loopback address (a receiver on the same host, or tests), because
 * the request carries one-time codes and, for Twilio, the auth token. Credentials in the URL are refused:
 * the webhook authenticates with its HMAC secret, and a URL is not treated as a secret when printed.
 */
const providerUrl = z.url({ protocol: /^https?$/ }).refine(isAcceptableProviderUrl, {
  message: 'must be https:// (http:// only to localhost) and carry no user:password@',
});

const timeoutMs = z.number().int().min(1000).max(60_000).default(10_000);

const webhookSchema = z.strictObject({
  provider: z.literal('webhook'),
  /** Receives a signed JSON POST per SMS. */
  url: providerUrl,
  /** HMAC-SHA256 key shared with the receiver. */
  secret: z.string().min(16),
  /** Milliseconds before a send fails with 'timeout'. */
  timeoutMs,
});

const twilioSchema = z
  .strictObject({
    provider: z.literal('twilio'),
    accountSid: z.string().regex(/^AC[0-9a-f]{32}$/, 'AC followed by 32 hex digits'),
    authToken: z.string().min(16),
    /** Sender number in E.164; or messagingServiceSid, not both. */
    from: z.string().refine(isE164, 'an E.164 number like +4915112345671').optional(),
    messagingServiceSid: z.string().regex(/^MG[0-9a-f]{32}$/, 'MG followed by 32 hex digits').optional(),
    /** Only for tests against a local stand-in of the Twilio API. */
    baseUrl: providerUrl.optional(),
    timeoutMs,
  })
  .refine((section) => (section.from === undefined) !== (section.messagingServiceSid === undefined), {
    message: 'set exactly one of from and messagingServiceSid',
    path: ['from'],
  });

/** The `sms` section of the configuration; `provider` selects the shape. */
export const smsConfigSchema = z.discriminatedUnion('provider', [webhookSchema, twilioSchema]);

/** The section as parsed (defaults applied). */
export type SmsConfig = z.output<typeof smsConfigSchema>;

/** Dotted paths, relative to the section, of values that must never be printed. */
export const smsSecretPaths: readonly string[] = ['secret', 'authToken'];

/** The gateway a parsed `sms` section describes. */
export function smsGatewayFromConfig(config: SmsConfig): SmsGateway {
  switch (config.provider) {
    case 'webhook':
      return webhookSmsGateway({ url: config.url, secret: config.secret, timeoutMs: config.timeoutMs });
    case 'twilio':
      return twilioSmsGateway({
        accountSid: config.accountSid,
        authToken: config.authToken,
        from: config.from,
        messagingServiceSid: config.messagingServiceSid,
        baseUrl: config.baseUrl,
        timeoutMs: config.timeoutMs,
      });
  }
}

function isAcceptableProviderUrl(value: string): boolean {
  const url = new URL(value);
  if (url.username !== '' || url.password !== '') return false;
  return url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}
