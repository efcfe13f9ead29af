import { z } from 'zod';
import { isE164 } from '../../methods/phone/phone-number.js';
import { providerTimeoutMs, providerUrl } from '../provider-config.js';
import type { SmsProviderModule } from '../sms-provider.js';
import { twilioSmsGateway } from './twilio-gateway.js';

/** `{"provider": "twilio", …}`: Twilio Programmable Messaging. */
export const twilioSectionSchema = z
  .strictObject({
    provider: z.literal('twilio'),
    accountSid: z.string().regex(/^AC[0-9a-f]{32}$/, 'AC followed by 32 hex digits'),
    authToken: z.string().min(16),
    /** Sender number in E.164; or messagingServiceSid, not both. */
    from: z.string().refine(isE164, 'an E.164 number like +4915112345671').optional(),
    messagingServiceSid: z.string().regex(/^MG[0-9a-f]{32}$/, 'MG followed by 32 hex digits').optional(),
    /** Only for tests against a local stand-in of the Twilio API. */
    baseUrl: providerUrl.optional(),
    timeoutMs: providerTimeoutMs,
  })
  .refine((section) => (section.from === undefined) !== (section.messagingServiceSid === undefined), {
    message: 'set exactly one of from and messagingServiceSid',
    path: ['from'],
  });

export type TwilioSection = z.output<typeof twilioSectionSchema>;

export const twilioProvider: SmsProviderModule<TwilioSection> = {
  gateway: (section) =>
    twilioSmsGateway({
      accountSid: section.accountSid,
      authToken: section.authToken,
      from: section.from,
      messagingServiceSid: section.messagingServiceSid,
      baseUrl: section.baseUrl,
      timeoutMs: section.timeoutMs,
    }),
  secretKeys: ['authToken'],
};
