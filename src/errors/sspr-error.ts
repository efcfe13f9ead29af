import { errorCatalogue, type ErrorCode } from './catalogue.js';
import { format, type Lang } from '../i18n/lang.js';

export type ErrorParams = Record<string, string | number>;

/**
 * The one error type of the service. `code` is stable, `status` is the HTTP status, `expose` says whether the
 * catalogue message may be shown (internal errors show a generic sentence). `details` carries structured,
 * non-secret data for API clients (e.g. the reasons a password was refused).
 */
export class SsprError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly expose: boolean;
  readonly params: ErrorParams;
  readonly details: unknown;

  constructor(code: ErrorCode, options: { params?: ErrorParams; details?: unknown; cause?: unknown } = {}) {
    super(format(errorCatalogue[code].en, options.params), { cause: options.cause });
    this.name = 'SsprError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.expose = this.status < 500 || code === 'service-unavailable';
    this.params = options.params ?? {};
    this.details = options.details;
  }

  /** The sentence for a person, in their language. */
  messageIn(lang: Lang): string {
    return format(errorCatalogue[this.code][lang], this.params);
  }
}

/** Anything thrown becomes an SsprError; unknown errors become `internal` and keep the original as cause. */
export function toSsprError(error: unknown): SsprError {
  return error instanceof SsprError ? error : new SsprError('internal', { cause: error });
}
