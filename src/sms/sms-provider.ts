import type { SmsGateway } from './sms-gateway.js';

/**
 * One SMS provider behind one interface: the folder `sms/<provider>/` holds its section schema (one member of the
 * registry's discriminated union on `provider`), its gateway and this module; registry.ts lists the modules once.
 */
export interface SmsProviderModule<Section extends { provider: string }> {
  /** The gateway a parsed section describes. */
  gateway(section: Section): SmsGateway;
  /** Keys of the section whose values are never printed. */
  readonly secretKeys: readonly (keyof Section & string)[];
}
