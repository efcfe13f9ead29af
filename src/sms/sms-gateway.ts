/**
 * Sending one SMS through some provider. Implementations:
 * - resolve once the provider has accepted the message (accepted, not necessarily delivered to the handset);
 * - throw SmsDeliveryError for every failure, and nothing else;
 * - never put the message text (it carries a one-time code) or the recipient's number in errors or logs.
 */
export interface SmsGateway {
  /** Which provider this is ('webhook', 'twilio'); for logs and the doctor. */
  readonly kind: string;
  /** `to` must be E.164 (`+4915112345671`). `id` is the provider's (or our) reference for the message. */
  send(message: SmsMessage): Promise<{ id?: string }>;
}

export interface SmsMessage {
  /** Recipient in E.164. */
  to: string;
  text: string;
}

/**
 * Why a message was not accepted:
 * - 'timeout': no complete answer within the gateway's timeout (the message may still have been sent);
 * - 'network': no connection (refused, DNS, TLS, reset);
 * - 'unauthorized': the provider refused our credentials (configuration problem);
 * - 'invalid-number': the provider says the recipient number is invalid or unreachable;
 * - 'rejected': any other refusal of this request (4xx, unexpected redirects);
 * - 'server-error': the provider failed (5xx); retrying later may help.
 */
export type SmsDeliveryReason = 'timeout' | 'network' | 'rejected' | 'unauthorized' | 'invalid-number' | 'server-error';

/** The one error an SmsGateway throws. Its message never contains the SMS text or the recipient. */
export class SmsDeliveryError extends Error {
  readonly reason: SmsDeliveryReason;
  /** HTTP status of the provider's answer, when there was one. */
  readonly status: number | undefined;
  /** The provider's own error code (e.g. Twilio 21211), when it sent one. */
  readonly providerCode: number | undefined;

  constructor(
    reason: SmsDeliveryReason,
    message: string,
    options: { status?: number; providerCode?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'SmsDeliveryError';
    this.reason = reason;
    this.status = options.status;
    this.providerCode = options.providerCode;
  }
}
