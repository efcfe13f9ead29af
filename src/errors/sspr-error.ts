import { errorCatalogue, type ErrorCode, type ErrorParams } from './catalogue.js';
import type { Lang } from '../i18n/lang.js';
import { message, type ParamsArg } from '../i18n/messages.js';

interface BaseOptions {
  /**
   * Operator-facing detail in English (a CLI usage hint, a parser's complaint): logged, printed by the CLI and
   * returned as `detail` next to the message by the API, never mixed into the sentence a person reads
   * (node-oidc-provider's error_description vs error_detail).
   */
  detail?: string;
  /** Structured, non-secret data for API clients (e.g. the reasons a password was refused). */
  details?: unknown;
  cause?: unknown;
}

/** The options of an error: `params` are required when its sentence has a required placeholder. */
export type ErrorOptions<C extends ErrorCode> = BaseOptions &
  (Record<string, never> extends ErrorParams<C> ? { params?: ErrorParams<C> } : { params: ErrorParams<C> });

type OptionsArg<C extends ErrorCode> = Record<string, never> extends ErrorParams<C> ? [options?: ErrorOptions<C>] : [options: ErrorOptions<C>];

/**
 * The one error type of the service. `code` is stable, `status` is the HTTP status, `expose` says whether the
 * catalogue message may be shown (internal errors show a generic sentence), `reRender` whether a page shows the
 * sent form again with the sentence. `params` fill the sentence's placeholders; they are codes and values.
 */
export class SsprError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly status: number;
  readonly expose: boolean;
  readonly reRender: boolean;
  readonly params: ErrorParams<C> | undefined;
  readonly detail: string | undefined;
  readonly details: unknown;

  constructor(code: C, ...[options]: OptionsArg<C>) {
    const english = format(code, 'en', options?.params);
    super(options?.detail ? `${english} (${options.detail})` : english, { cause: options?.cause });
    this.name = 'SsprError';
    this.code = code;
    const entry: { status: number; reRender?: true } = errorCatalogue[code];
    this.status = entry.status;
    this.reRender = entry.reRender === true;
    this.expose = this.status < 500 || code === 'service-unavailable';
    this.params = options?.params;
    this.detail = options?.detail;
    this.details = options?.details;
  }

  /** The sentence for a person, in their language. */
  messageIn(lang: Lang): string {
    return format(this.code, lang, this.params);
  }
}

function format<C extends ErrorCode>(code: C, lang: Lang, params: ErrorParams<C> | undefined): string {
  const args = (params === undefined ? [] : [params]) as ParamsArg<`errors.${C}`>;
  return message(lang, `errors.${code}`, ...args);
}

/** Anything thrown becomes an SsprError; unknown errors become `internal` and keep the original as cause. */
export function toSsprError(error: unknown): SsprError {
  return error instanceof SsprError ? error : new SsprError('internal', { cause: error });
}
