import type { MessageParams } from '../i18n/message-params.js';
import type { Under } from '../i18n/messages.js';

/**
 * Every error the service can answer with: a stable code, its HTTP status, and whether a page answers it by
 * showing the form the person just sent again, with the sentence next to it (`reRender`: the input can be
 * corrected, as node-oidc-provider's ReRenderError) instead of an error page. The sentences are the messages
 * `errors.<code>` in messages/<lang>/errors.json; their placeholders are the error's typed params.
 * Codes are a public contract (API clients and the doctor key on them): add new ones, never rename.
 */
export interface CatalogueEntry {
  status: number;
  reRender?: true;
}

export const errorCatalogue = {
  'invalid-request': { status: 400, reRender: true },
  'malformed-json': { status: 400 },
  'payload-too-large': { status: 413 },
  'unsupported-media-type': { status: 415 },
  'not-found': { status: 404 },
  'method-not-allowed': { status: 405 },
  'csrf-invalid': { status: 403 },
  'rate-limited': { status: 429 },
  'flow-invalid': { status: 404 },
  'flow-step-out-of-order': { status: 409, reRender: true },
  'flow-completed': { status: 409 },
  'flow-completing': { status: 409 },
  'method-unknown': { status: 400, reRender: true },
  'code-send-limit': { status: 429 },
  'enrolment-codes-limited': { status: 429 },
  'code-not-sent': { status: 409, reRender: true },
  'code-malformed': { status: 400, reRender: true },
  'code-wrong': { status: 400, reRender: true },
  'code-expired': { status: 400, reRender: true },
  'code-attempts-exhausted': { status: 400, reRender: true },
  'writeback-too-short': { status: 400, reRender: true },
  'writeback-not-complex': { status: 400, reRender: true },
  'writeback-in-history': { status: 400, reRender: true },
  'writeback-too-young': { status: 400 },
  'writeback-policy': { status: 400, reRender: true },
  'writeback-protected-account': { status: 403 },
  'writeback-refused': { status: 403 },
  'writeback-unavailable': { status: 503 },
  'writeback-disabled': { status: 403 },
  'writeback-no-agent': { status: 503 },
  'writeback-unconfirmed': { status: 504 },
  'writeback-wrong-old-password': { status: 400, reRender: true },
  'agent-enrolment-refused': { status: 401 },
  'captcha-failed': { status: 400, reRender: true },
  throttled: { status: 429, reRender: true },
  'sspr-enabled': { status: 403, reRender: true },
  'license-assigned': { status: 403, reRender: true },
  'methods-registered': { status: 403, reRender: true },
  'admin-policy': { status: 403, reRender: true },
  'account-state': { status: 403, reRender: true },
  'answers-wrong': { status: 400, reRender: true },
  'totp-wrong': { status: 400, reRender: true },
  'recovery-code-wrong': { status: 400, reRender: true },
  'passkey-failed': { status: 400, reRender: true },
  'method-forbidden': { status: 403, reRender: true },
  'registration-invalid': { status: 400, reRender: true },
  'password-rejected': { status: 400, reRender: true },
  'invalid-credentials': { status: 401, reRender: true },
  'sign-in-throttled': { status: 429, reRender: true },
  'not-signed-in': { status: 401 },
  'admin-token-missing': { status: 401 },
  'admin-token-invalid': { status: 401 },
  'metrics-token-invalid': { status: 401 },
  'admin-only': { status: 403 },
  'admin-token-expired': { status: 401 },
  'admin-token-scope': { status: 403 },
  'step-up-required': { status: 403 },
  'step-up-stale': { status: 403 },
  'console-session-ended': { status: 401 },
  'operator-target-forbidden': { status: 403 },
  'helpdesk-not-verified': { status: 403 },
  'helpdesk-verification-void': { status: 409, reRender: true },
  'helpdesk-send-limit': { status: 429 },
  'helpdesk-target-refused': { status: 403 },
  'helpdesk-reason-required': { status: 400, reRender: true },
  'helpdesk-has-method': { status: 409, reRender: true },
  'helpdesk-method-unavailable': { status: 400, reRender: true },
  'policy-setting-invalid': { status: 400, reRender: true },
  'sync-running': { status: 409 },
  'doctor-failed': { status: 500 },
  'user-exists': { status: 409 },
  'user-not-found': { status: 404 },
  'account-frozen': { status: 403 },
  'not-me-link-invalid': { status: 410 },
  'template-unknown': { status: 400 },
  'group-exists': { status: 409 },
  'group-not-found': { status: 404 },
  'group-cycle': { status: 409 },
  'not-a-member': { status: 404 },
  'licence-not-assigned': { status: 404 },
  'directory-account': { status: 409 },
  'registration-not-found': { status: 404 },
  'config-invalid': { status: 500 },
  'master-key-mismatch': { status: 500 },
  'master-key-missing': { status: 500 },
  'secrets-file-corrupt': { status: 500 },
  'data-dir-not-writable': { status: 500 },
  'database-unreachable': { status: 500 },
  'port-in-use': { status: 500 },
  'port-not-permitted': { status: 500 },
  'service-unavailable': { status: 503 },
  internal: { status: 500 },
} as const satisfies Record<Under<'errors.'>, CatalogueEntry>;

export type ErrorCode = keyof typeof errorCatalogue;

/** The params an error's sentence takes; a placeholder is a code or a value, never a sentence. */
export type ErrorParams<C extends ErrorCode> = MessageParams[`errors.${C}`];
