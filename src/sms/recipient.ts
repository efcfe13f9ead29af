import { isE164 } from '../methods/phone/phone-number.js';
import { SmsDeliveryError } from './sms-gateway.js';

/**
 * Gateways only send to E.164 numbers (normalisePhoneNumber produces them); anything else is refused before
 * any request, as 'invalid-number', without quoting the value.
 */
export function assertRecipient(kind: string, to: string): void {
  if (!isE164(to)) {
    throw new SmsDeliveryError('invalid-number', `SMS ${kind} gateway: the recipient is not an E.164 number`);
  }
}
