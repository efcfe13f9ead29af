import type { Lang } from '../../i18n/lang.js';
import { html, type SafeHtml } from '../html.js';
import { translateStrengthWarning, type PasswordSettings, type PublicReason, type ReasonCode } from '../../password-policy/index.js';
import { SsprError } from '../../errors/sspr-error.js';
import { t } from './ui-text.js';
import { x, type ExperienceKey } from './experience-text.js';
import { catalogueMemo } from './catalogue-memo.js';

/**
 * The new-password fields with the organisation's rules as one checklist: shown before typing, marked met or
 * not met live by password-feedback.js, and marked the same way by the server after a refused submit. Each rule
 * names the engine's reason codes it stands for, so the browser and the server read one mapping. Rules speak in
 * user words: no scores, no points, never a part of the typed password.
 */
export type RuleId = 'length' | 'classes' | 'names' | 'guessable' | 'history';

const reasonsOfRule: Record<RuleId, readonly ReasonCode[]> = {
  length: ['too-short', 'too-long'],
  classes: ['not-complex'],
  names: ['contains-username', 'contains-display-name', 'contains-personal-name'],
  guessable: ['banned-term', 'common-password', 'too-weak', 'breached'],
  history: ['in-history'],
};

/** A refusal of the new password: which reasons the engine gave (none for a mismatch of the two fields). */
export interface PasswordRefusal {
  kind: 'rules' | 'mismatch';
  reasons: PublicReason[];
}

/** The refusal carried by a `password-rejected` error, or null for any other error. */
export function refusalOf(error: unknown): PasswordRefusal | null {
  if (!(error instanceof SsprError) || error.code !== 'password-rejected') return null;
  const reasons = (error.details as { reasons?: PublicReason[] } | undefined)?.reasons ?? [];
  return { kind: 'rules', reasons };
}

/** The rules this organisation applies, in the order people read them; plus any rule a refusal names. */
export function rulesShown(settings: FieldSettings, refusal?: PasswordRefusal | null): RuleId[] {
  const refused = new Set((refusal?.reasons ?? []).map((r) => r.code));
  return (Object.keys(reasonsOfRule) as RuleId[]).filter((rule) => {
    if (rule === 'classes') return settings.requireThreeClasses || refused.has('not-complex');
    if (rule === 'history') return settings.historyLength > 0 || refused.has('in-history');
    return true;
  });
}

function ruleText(lang: Lang, rule: RuleId, settings: FieldSettings): string {
  if (rule === 'length') return x(lang, 'rules.length', { min: settings.minLength });
  return x(lang, `rules.${rule}` as ExperienceKey & `rules.${Exclude<RuleId, 'length'>}`);
}

/** The one plain hint: what to do about the most useful refused reason, else a general tip. */
function hintFor(lang: Lang, settings: FieldSettings, refusal: PasswordRefusal | null | undefined): string {
  for (const reason of refusal?.reasons ?? []) {
    if (reason.code === 'too-long') return x(lang, 'rules.hint.tooLong', { max: settings.maxLength });
    // The names rule already says what the estimator's "personal data" warning would.
    if (reason.code === 'too-weak' && reason.params.warning && reason.params.warning !== 'userInputs') return translateStrengthWarning(reason.params.warning, lang);
  }
  return x(lang, 'rules.hint.generic');
}

export interface PasswordFieldsOptions {
  refusal?: PasswordRefusal | null | undefined;
  /** False where the live check has no account to compare with (names can only be checked on submit). */
  namesCheckedLive: boolean;
  autofocus?: boolean;
}

/** The settings the fields show: what their markup may read (the type keeps it to these). */
const FIELD_SETTINGS = ['minLength', 'maxLength', 'requireThreeClasses', 'historyLength'] as const;
export type FieldSettings = Pick<PasswordSettings, (typeof FIELD_SETTINGS)[number]>;

/** Without a refusal the fields are a function of the language, the field settings and the options: they are kept. */
const unrefusedFields = catalogueMemo<SafeHtml>(64);

/** Label, field, checklist, hint and the repeat field; ids `password`, `password-rules`, `password-hint`, `confirm`. */
export function passwordFields(lang: Lang, settings: FieldSettings, options: PasswordFieldsOptions): SafeHtml {
  if (options.refusal) return fieldsMarkup(lang, settings, options);
  const key = JSON.stringify([lang, ...FIELD_SETTINGS.map((name) => settings[name]), options.namesCheckedLive, options.autofocus === true]);
  return unrefusedFields(key, () => fieldsMarkup(lang, settings, options));
}

function fieldsMarkup(lang: Lang, settings: FieldSettings, options: PasswordFieldsOptions): SafeHtml {
  const refusal = options.refusal ?? null;
  const refused = new Set(refusal?.kind === 'rules' ? refusal.reasons.map((r) => r.code) : []);
  const rules = rulesShown(settings, refusal);
  const stateOf = (rule: RuleId): 'met' | 'unmet' | 'pending' =>
    refusal?.kind !== 'rules' ? 'pending' : reasonsOfRule[rule].some((code) => refused.has(code)) ? 'unmet' : 'met';
  const rulesInvalid = refusal?.kind === 'rules';
  const mismatch = refusal?.kind === 'mismatch';
  return html`<label for="password">${t(lang, 'reset.password.new')}</label>
<input type="password" id="password" name="password" autocomplete="new-password" required minlength="${settings.minLength}" maxlength="${settings.maxLength * 4}" aria-describedby="password-rules password-hint"${rulesInvalid ? html` aria-invalid="true"` : ''}${options.autofocus ? html` autofocus` : ''}>
<ul class="rules" id="password-rules" aria-label="${x(lang, 'rules.title')}" data-text-met="${x(lang, 'rules.state.met')}" data-text-unmet="${x(lang, 'rules.state.unmet')}" data-text-accepted="${x(lang, 'rules.accepted')}">
${rules.map((rule) => {
  const state = stateOf(rule);
  const live = rule !== 'names' || options.namesCheckedLive;
  return html`<li data-rule="${rule}" data-codes="${reasonsOfRule[rule].join(' ')}" data-state="${state}"${live ? '' : html` data-live="false"`}>${ruleText(lang, rule, settings)}<span class="visually-hidden">${state === 'pending' ? '' : html` (${x(lang, state === 'met' ? 'rules.state.met' : 'rules.state.unmet')})`}</span></li>`;
})}
</ul>
<p class="help" id="password-hint" aria-live="polite">${hintFor(lang, settings, refusal)}</p>
<label for="confirm">${t(lang, 'reset.password.confirm')}</label>
<input type="password" id="confirm" name="confirm" autocomplete="new-password" required${mismatch ? html` aria-invalid="true" aria-describedby="confirm-error"` : ''}>
${mismatch ? html`<p class="field-error" id="confirm-error">${x(lang, 'rules.mismatch')}</p>` : ''}`;
}

/** The banner over a refused form: one sentence pointing at the list, not the reasons again. */
export function refusalBanner(lang: Lang, refusal: PasswordRefusal): string {
  return refusal.kind === 'mismatch' ? x(lang, 'rules.mismatch') : x(lang, 'rules.refused');
}
