/** Public API of the password-policy module. */
export { normalizePassword, codePointLength, foldForNameMatch, SUBSTITUTIONS } from './normalize.js';
export { BannedTermIndex, MIN_TERM_LENGTH, FUZZY_MIN_TERM_LENGTH, type TermMatch } from './banned-term-index.js';
export {
  evaluateBannedTerms,
  scoreBannedTerms,
  bannedTermIndexFor,
  BANNED_SCORE_THRESHOLD,
  MIN_NAME_TERM_LENGTH,
  type BannedTermEvaluation,
  type PersonalNames,
} from './banned-terms.js';
export { GLOBAL_BANNED_TERMS } from './lists/global-banned.js';
export { isCommonPassword } from './common-passwords.js';
export {
  passwordSettingsSchema,
  DEFAULT_PASSWORD_SETTINGS,
  MAX_CUSTOM_BANNED_TERMS,
  stricter,
  type PasswordSettings,
  type PasswordSettingsInput,
  type DirectoryPasswordPolicy,
} from './settings.js';
export {
  formatReason,
  formatViolation,
  publicReason,
  REASON_CODES,
  type Language,
  type ReasonCode,
  type ReasonParams,
  type PublicReason,
  type PublicReasonParams,
  type RuleViolation,
} from './messages.js';
export { countCharacterClasses, displayNameTokens } from './rules.js';
export { COMMON_PASSWORDS } from './lists/common-passwords.js';
export {
  estimateStrength,
  preloadStrengthEstimator,
  translateStrengthWarning,
  type StrengthEstimate,
} from './strength.js';
export {
  evaluatePassword,
  evaluatePasswordSync,
  type PasswordContext,
  type PasswordVerdict,
  type PasswordReason,
  type PasswordEvaluationDeps,
  type BreachCheckOutcome,
} from './evaluate.js';
export { EvaluationBusyError, DEFAULT_TURN_LIMITS } from './evaluation-turns.js';
export { BreachCheckUnavailableError, sha1HexOfPassword, type BreachChecker } from './breach-checker.js';
export { BreachCorpus, importBreachCorpus, type ImportOptions, type ImportProgress, type ImportResult } from './breach-corpus.js';
export { RangeApiBreachChecker, type RangeApiOptions } from './breach-range-api.js';
