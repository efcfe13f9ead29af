import type { SmsGateway } from '../sms-gateway.js';
import { SmsDeliveryError, type SmsDeliveryReason } from '../sms-gateway.js';
import { DEFAULT_SMS_TIMEOUT_MS, postToProvider, readBodyText, reasonForStatus } from '../http-delivery.js';
import { assertRecipient } from '../recipient.js';

export interface TwilioGatewayOptions {
  /** AC… — also the user name of HTTP Basic auth. */
  accountSid: string;
  authToken: string;
  /** Sender number in E.164. Exactly one of `from` and `messagingServiceSid`. */
  from?: string;
  /** MG… — lets Twilio pick the sender from a pool. Exactly one of `from` and `messagingServiceSid`. */
  messagingServiceSid?: string;
  /** Only for tests against a local stand-in; default https://api.twilio.com. */
  baseUrl?: string;
  timeoutMs?: number;
}

/**
 * Twilio error codes that mean "this recipient cannot get SMS": 21211 invalid To number, 21217 number does
 * not appear valid, 21408 SMS to this region not enabled on the account, 21614 To is not a mobile number.
 * https://www.twilio.com/docs/api/errors
 */
const INVALID_NUMBER_CODES: ReadonlySet<number> = new Set([21211, 21217, 21408, 21614]);
/** 20003: authentication failed (wrong SID or token, suspended account). */
const UNAUTHORIZED_CODES: ReadonlySet<number> = new Set([20003]);

/**
 * Twilio Programmable Messaging: POST /2010-04-01/Accounts/{sid}/Messages.json with a form body.
 * Resolves with `{id}` = the message SID once Twilio has queued the message.
 */
export function twilioSmsGateway(options: TwilioGatewayOptions): SmsGateway {
  const sender = senderField(options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_SMS_TIMEOUT_MS;
  const baseUrl = (options.baseUrl ?? 'https://api.twilio.com').replace(/\/+$/, '');
  const url = `${baseUrl}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;

  return {
    kind: 'twilio',
    async send(message) {
      assertRecipient('twilio', message.to);
      const form = new URLSearchParams({ To: message.to, Body: message.text, ...sender });
      const response = await postToProvider('twilio', url, {
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
          Authorization: authorization,
        },
        body: form.toString(),
        timeoutMs,
      });
      const answer = parseJsonObject(await readBodyText('twilio', response, timeoutMs));
      if (response.status >= 200 && response.status <= 299) {
        // Accepted; a missing sid must not turn into an error, or the caller might send the code twice.
        return typeof answer.sid === 'string' ? { id: answer.sid } : {};
      }
      throw twilioError(response.status, answer);
    },
  };
}

/** Validates the sender choice once, at construction: exactly one of `from` and `messagingServiceSid`. */
function senderField(options: TwilioGatewayOptions): Record<string, string> {
  const hasFrom = options.from !== undefined && options.from !== '';
  const hasService = options.messagingServiceSid !== undefined && options.messagingServiceSid !== '';
  if (hasFrom === hasService) {
    throw new TypeError('twilioSmsGateway needs exactly one of `from` and `messagingServiceSid`');
  }
  return hasFrom ? { From: options.from ?? '' } : { MessagingServiceSid: options.messagingServiceSid ?? '' };
}

/**
 * Twilio's error JSON is `{code, message, more_info, status}`. Its `message` can quote the recipient's
 * number, so only the numeric code and the status go into the error.
 */
function twilioError(status: number, answer: Record<string, unknown>): SmsDeliveryError {
  const providerCode = typeof answer.code === 'number' ? answer.code : undefined;
  const reason = reasonForTwilioError(status, providerCode);
  const codeText = providerCode === undefined ? '' : `, Twilio error ${providerCode}`;
  return new SmsDeliveryError(reason, `Twilio answered HTTP ${status}${codeText} (${reason})`, { status, providerCode });
}

function reasonForTwilioError(status: number, providerCode: number | undefined): SmsDeliveryReason {
  if (providerCode !== undefined && INVALID_NUMBER_CODES.has(providerCode)) return 'invalid-number';
  if (providerCode !== undefined && UNAUTHORIZED_CODES.has(providerCode)) return 'unauthorized';
  return reasonForStatus(status);
}

/** The body as a JSON object, or an empty object when it is not one (HTML error pages, empty bodies). */
function parseJsonObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
