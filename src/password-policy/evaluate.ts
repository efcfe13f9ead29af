/**
 * evaluatePassword: every password rule of the service in one verdict.
 *
 * Order: length → composition (if enabled) → account name and display name (AD rules) →
 * Entra banned-term evaluation incl. personal names → common-password list → strength
 * estimate → (async) breach corpus → (async) password history. All reasons found are
 * reported, so the user can fix everything at once, with two exceptions: a password over the
 * maximum length is only reported as too long (nothing else is computed on it), and the
 * history callback — usually slow hash comparisons — runs only if nothing else failed.
 *
 * Breach checker failures do not block the password (fail open): the verdict's
 * `breachCheck` says "unavailable" so the caller can log it.
 */
import { evaluateBannedTerms, BANNED_SCORE_THRESHOLD } from './banned-terms.js';
import type { BannedTermIndex } from './banned-term-index.js';
import type { BreachChecker } from './breach-checker.js';
import { isCommonPassword } from './common-passwords.js';
import { EvaluationTurns } from './evaluation-turns.js';
import {
  REASON_CODES,
  publicReason,
  type Language,
  type PublicReason,
  type ReasonCode,
  type RuleViolation,
} from './messages.js';
import { codePointLength, normalizePassword } from './normalize.js';
import {
  checkBannedTerms,
  checkComplexity,
  checkDisplayName,
  checkLength,
  checkUsername,
  displayNameTokens,
} from './rules.js';
import type { PasswordSettings } from './settings.js';
import { estimateStrength } from './strength.js';

export interface PasswordContext {
  /** sAMAccountName / uid / login name; "DOMAIN\\user" and UPNs are understood. */
  username: string;
  displayName?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  organisation?: string | undefined;
  /**
   * Supplied by the caller, who keeps the password hashes: true if `password` was used
   * before. Receives the password NFC-normalised (store and hash passwords in NFC too).
   */
  isInHistory?: ((password: string) => Promise<boolean>) | undefined;
  /** Language of messages and suggestions (default English). */
  lang?: Language | undefined;
  /**
   * Who the evaluation is done for (an account, a client address): evaluations of one requester wait in one line
   * and share its bound, and requesters take turns (evaluation-turns.ts). Default: one line for all without one.
   */
  requester?: string | undefined;
}

/** A reason as the reader gets it: never the password or a part of it. */
export type PasswordReason = PublicReason;

export type BreachCheckOutcome = 'passed' | 'breached' | 'unavailable' | 'not-configured' | 'disabled' | 'skipped';

export interface PasswordVerdict {
  accepted: boolean;
  /** zxcvbn score 0–4 (0 when the password was not scored, e.g. too long). */
  score: number;
  reasons: PasswordReason[];
  /** zxcvbn's suggestions in the user's language. */
  suggestions: string[];
  /** What happened with the breached-password check ("skipped" in the sync core). */
  breachCheck: BreachCheckOutcome;
}

export interface PasswordEvaluationDeps {
  /** Global + custom banned terms; build once with bannedTermIndexFor(settings.customBanned). */
  index: BannedTermIndex;
  breach?: BreachChecker | undefined;
}

/** Raw UTF-16 length above which a password is too long without further work (4 units per code point max). */
function obviouslyTooLong(password: string, settings: PasswordSettings): boolean {
  return password.length > settings.maxLength * 4;
}

function userInputsOf(ctx: PasswordContext): string[] {
  const inputs = [ctx.username, ctx.firstName, ctx.lastName, ctx.organisation];
  if (ctx.displayName !== undefined) inputs.push(ctx.displayName, ...displayNameTokens(ctx.displayName));
  return inputs.filter((input): input is string => input !== undefined && input.trim() !== '');
}

function buildVerdict(
  violations: RuleViolation[],
  lang: Language,
  score: number,
  suggestions: string[],
  breachCheck: BreachCheckOutcome,
): PasswordVerdict {
  const order = (code: ReasonCode): number => REASON_CODES.indexOf(code);
  const reasons = [...violations]
    .sort((a, b) => order(a.code) - order(b.code))
    .map((violation): PasswordReason => publicReason(violation, lang));
  return { accepted: reasons.length === 0, score, reasons, suggestions, breachCheck };
}

/** All rule violations that need no I/O, plus the strength estimate. */
function evaluateCore(
  password: string,
  ctx: PasswordContext,
  settings: PasswordSettings,
  index: BannedTermIndex,
): { violations: RuleViolation[]; score: number; suggestions: string[]; tooLong: boolean } {
  const lang = ctx.lang ?? 'en';
  if (obviouslyTooLong(password, settings)) {
    const actual = codePointLength(password);
    return { violations: [{ code: 'too-long', params: { max: settings.maxLength, actual } }], score: 0, suggestions: [], tooLong: true };
  }
  const nfc = password.normalize('NFC');
  const lengthViolations = checkLength(codePointLength(nfc), settings);
  if (lengthViolations.some((violation) => violation.code === 'too-long')) {
    return { violations: lengthViolations, score: 0, suggestions: [], tooLong: true };
  }
  const normalized = normalizePassword(nfc);
  const banned = evaluateBannedTerms(nfc, index, ctx);
  const violations: RuleViolation[] = [
    ...lengthViolations,
    ...checkComplexity(nfc, settings),
    ...checkUsername(normalized, ctx.username),
    ...checkDisplayName(normalized, ctx.displayName),
    ...checkBannedTerms(banned, BANNED_SCORE_THRESHOLD),
  ];
  if (settings.checkCommonPasswords && isCommonPassword(normalized)) {
    violations.push({ code: 'common-password', params: {} });
  }
  const strength = estimateStrength(nfc, userInputsOf(ctx), lang, { remember: ctx.username.trim() !== '' });
  const tooShort = lengthViolations.length > 0;
  if (!tooShort && settings.minStrengthScore > 0 && strength.score < settings.minStrengthScore) {
    violations.push({
      code: 'too-weak',
      params: { score: strength.score, required: settings.minStrengthScore, warning: strength.warning },
    });
  }
  return { violations, score: strength.score, suggestions: strength.suggestions, tooLong: false };
}

/** Every rule except the breach corpus and the history (no I/O). */
export function evaluatePasswordSync(
  password: string,
  ctx: PasswordContext,
  settings: PasswordSettings,
  deps: Pick<PasswordEvaluationDeps, 'index'>,
): PasswordVerdict {
  const core = evaluateCore(password, ctx, settings, deps.index);
  return buildVerdict(core.violations, ctx.lang ?? 'en', core.score, core.suggestions, 'skipped');
}

async function checkBreach(
  password: string,
  settings: PasswordSettings,
  breach: BreachChecker | undefined,
): Promise<BreachCheckOutcome> {
  if (!settings.checkBreached) return 'disabled';
  if (breach === undefined) return 'not-configured';
  try {
    return (await breach.has(password.normalize('NFC'))) ? 'breached' : 'passed';
  } catch {
    return 'unavailable';
  }
}

/** Every asynchronous evaluation of this process takes its synchronous part in turns (evaluation-turns.ts). */
const turns = new EvaluationTurns();

/**
 * The full evaluation: evaluatePasswordSync plus breach corpus and password history. Its synchronous part waits
 * for a turn of the event loop, in `ctx.requester`'s line; rejects with EvaluationBusyError when that line is
 * full or the evaluations waiting in all would take too long.
 */
export async function evaluatePassword(
  password: string,
  ctx: PasswordContext,
  settings: PasswordSettings,
  deps: PasswordEvaluationDeps,
): Promise<PasswordVerdict> {
  const lang = ctx.lang ?? 'en';
  const core = await turns.run(() => evaluateCore(password, ctx, settings, deps.index), ctx.requester);
  if (core.tooLong) return buildVerdict(core.violations, lang, 0, [], 'skipped');
  const violations = [...core.violations];
  const breachCheck = await checkBreach(password, settings, deps.breach);
  if (breachCheck === 'breached') violations.push({ code: 'breached', params: {} });
  if (violations.length === 0 && ctx.isInHistory !== undefined && (await ctx.isInHistory(password.normalize('NFC')))) {
    violations.push({ code: 'in-history', params: {} });
  }
  return buildVerdict(violations, lang, core.score, core.suggestions, breachCheck);
}
