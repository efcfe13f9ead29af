import { DirectoryError } from '../directory/onprem/onprem-directory.js';
import { SsprError } from '../errors/sspr-error.js';
import type { ErrorCode } from '../errors/catalogue.js';

const byReason: Partial<Record<DirectoryError['reason'], ErrorCode>> = {
  'too-short': 'writeback-too-short',
  'not-complex': 'writeback-not-complex',
  'in-history': 'writeback-in-history',
  'too-young': 'writeback-too-young',
  policy: 'writeback-policy',
  'protected-account': 'writeback-protected-account',
  unreachable: 'writeback-unavailable',
  timeout: 'writeback-unconfirmed',
  'wrong-old-password': 'writeback-wrong-old-password',
  'invalid-credentials': 'writeback-wrong-old-password',
};

/**
 * A directory refusal as the user should read it: the precise reason in their language; the raw server text
 * stays on the error (cause) for the log and the audit record. Reasons without a sentence of their own
 * (access denied, user not found, …) are "refused" with the reason code, which the doctor explains.
 */
export function toSsprError(error: unknown): unknown {
  if (!(error instanceof DirectoryError)) return error;
  const code = byReason[error.reason];
  return code
    ? new SsprError(code, { cause: error, details: { directoryReason: error.reason } })
    : new SsprError('writeback-refused', { params: { reason: error.reason }, cause: error, details: { directoryReason: error.reason } });
}
