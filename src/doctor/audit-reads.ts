import { auditEventNames, auditOutcomes, type AuditEventName } from '../audit/audit-events.js';

/**
 * The audit events the doctor reads, named from the audit catalogue so that each one is an event some writer
 * records (test/unit/audit/audit-events.test.ts checks the writers).
 */
export const doctorEventReads = {
  /** Deliveries per channel (`method-data-valid`): the event name starts with the channel. */
  deliveries: ['email-delivered', 'email-delivery-failed', 'sms-delivered', 'sms-delivery-failed'],
  deliveryFailures: ['email-delivery-failed', 'sms-delivery-failed'],
  /** The outcome of the newest password write (`directory-permissions`, `password-policy`). */
  writeOutcomes: ['reset-password', ...auditEventNames.filter((name) => name.startsWith('writeback.'))],
  /**
   * Successful password writes: each records in `writtenBack` whether the password reached the directory
   * (`unsupported-operation`): the password use-case's events and the writeback's own success events.
   */
  passwordWrites: [
    'reset-password', 'unlock-account', 'change-password', 'admin-reset-password', 'helpdesk-unlock-account', 'password-set',
    ...auditEventNames.filter((name) => name.startsWith('writeback.') && name.endsWith('.success')),
  ],
  /** The newest self-service reset (`password-policy` summary). */
  resets: ['reset-password'],
} as const satisfies Record<string, readonly AuditEventName[]>;

export const doctorReads = {
  ...doctorEventReads,
  /** Every outcome: a read for "any outcome" names them all, so it can seek the `(event, outcome, user_id, id)` index. */
  outcomes: auditOutcomes,
};
