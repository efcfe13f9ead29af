import { randomUUID } from 'node:crypto';
import type { SmsGateway } from '../sms-gateway.js';
import { SmsDeliveryError } from '../sms-gateway.js';
import { DEFAULT_SMS_TIMEOUT_MS, discardBody, postToProvider, reasonForStatus } from '../http-delivery.js';
import { assertRecipient } from '../recipient.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhookBody } from './webhook-signature.js';

export { verifyWebhookSignature, signWebhookBody } from './webhook-signature.js';

export interface WebhookGatewayOptions {
  /** https:// (http:// only for tests and loopback receivers; the config schema enforces that). */
  url: string;
  /** Shared HMAC secret; the receiver verifies X-Sspr-Signature with it. */
  secret: string;
  timeoutMs?: number;
}

/** The JSON body the receiver gets. `id` is unique per message, so receivers can also drop duplicates. */
export interface WebhookSmsPayload {
  to: string;
  text: string;
  id: string;
  sentAt: string;
}

/**
 * Hands each SMS to an HTTP endpoint of the operator's choice (their own SMS modem, an internal gateway, …):
 * a signed JSON POST (see webhook-signature.ts). Any 2xx means accepted and resolves with `{id}` (our id);
 * the response body is ignored.
 */
export function webhookSmsGateway(options: WebhookGatewayOptions): SmsGateway {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SMS_TIMEOUT_MS;
  return {
    kind: 'webhook',
    async send(message) {
      assertRecipient('webhook', message.to);
      const payload: WebhookSmsPayload = {
        to: message.to,
        text: message.text,
        id: randomUUID(),
        sentAt: new Date().toISOString(),
      };
      const body = JSON.stringify(payload);
      const timestamp = String(Math.floor(Date.now() / 1000));
      const response = await postToProvider('webhook', options.url, {
        headers: {
          'Content-Type': 'application/json',
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signWebhookBody(options.secret, timestamp, body),
        },
        body,
        timeoutMs,
      });
      await discardBody(response);
      if (response.status < 200 || response.status > 299) {
        const reason = reasonForStatus(response.status);
        throw new SmsDeliveryError(reason, `SMS webhook answered HTTP ${response.status} (${reason})`, {
          status: response.status,
        });
      }
      return { id: payload.id };
    },
  };
}
