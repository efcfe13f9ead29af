/**
 * The SMS providers, listed once: the `sms` section, once its provider is chosen, is their discriminated union on
 * `provider`, and the gateway is the provider module's. A new provider is one folder (`sms/<provider>/`: section
 * schema, gateway, `<provider>-provider.ts`) plus its entry in `providers` and in `smsConfigSchema`.
 */
import { z } from 'zod';
import { listedNames } from '../config/listed-names.js';
import type { SmsGateway } from './sms-gateway.js';
import type { SmsProviderModule } from './sms-provider.js';
import { twilioProvider, twilioSectionSchema } from './twilio/twilio-provider.js';
import { webhookProvider, webhookSectionSchema } from './webhook/webhook-provider.js';

/** The `sms` section of the configuration for a chosen provider; `provider` selects the shape. */
export const smsConfigSchema = z.discriminatedUnion('provider', [webhookSectionSchema, twilioSectionSchema]);

/** The section as parsed (defaults applied). */
export type SmsConfig = z.output<typeof smsConfigSchema>;
export type SmsProvider = SmsConfig['provider'];
type SectionOf<P extends SmsProvider> = Extract<SmsConfig, { provider: P }>;

const providers: { [P in SmsProvider]: SmsProviderModule<SectionOf<P>> } = {
  webhook: webhookProvider,
  twilio: twilioProvider,
};

/** Every provider's name, in list order. */
export const smsProviders = listedNames(providers);

/** Keys, relative to the section, of values that must never be printed (of every provider). */
export const smsSecretPaths: readonly string[] = [...new Set(Object.values(providers).flatMap((provider) => provider.secretKeys))];

/** The gateway a parsed `sms` section describes. */
export function smsGatewayFromConfig<P extends SmsProvider>(config: SectionOf<P>): SmsGateway {
  const provider: P = config.provider;
  return providers[provider].gateway(config);
}
