import { html, type SafeHtml } from '../html.js';
import { message, messages } from '../../i18n/messages.js';
import type { Lang } from '../../i18n/lang.js';
import type { PolicyChange } from '../../policy/policy-changes.js';

/**
 * A changed policy setting as the preview shows it: the form's own label for the setting (its dotted name small
 * beside it, as the audit trail records it) and each value in words — yes/no, the choice's label, method names,
 * the custom questions' English texts. A setting or value this list does not know is shown as stored, never dropped.
 */

/** Settings whose label is not `policy-editor.<setting>`. */
const labelKeys: Readonly<Record<string, string>> = {
  customQuestions: 'policy-editor.cq.heading',
};

/** Settings whose string value is a choice with the label `policy-editor.<setting>.<value>` (or `.method.<value>`). */
const choicePrefix: Readonly<Record<string, string>> = {
  enabled: 'policy-editor.enabled.',
  refusalNotice: 'policy-editor.refusalNotice.',
  methods: 'policy-editor.method.',
};

/** A policy editor text without placeholders, or undefined when there is none under that key. */
function known(lang: Lang, key: string): string | undefined {
  return key.startsWith('policy-editor.') && messages.has(key) ? messages.formatAny(lang, key) : undefined;
}

/** The setting's label, or undefined when the form has none for it. */
export function settingLabel(lang: Lang, setting: string): string | undefined {
  return known(lang, labelKeys[setting] ?? `policy-editor.${setting}`);
}

/** One value (JSON text, as `policyChanges` gives it) in the reader's words. */
export function settingValue(lang: Lang, setting: string, json: string): string {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return json;
  }
  const choice = (item: unknown) => {
    const prefix = choicePrefix[setting];
    return (typeof item === 'string' && prefix ? known(lang, `${prefix}${item}`) : undefined) ?? (typeof item === 'string' ? item : JSON.stringify(item));
  };
  if (value === null) return '–';
  if (typeof value === 'boolean') return message(lang, value ? 'policy-editor.yes' : 'policy-editor.no');
  if (typeof value === 'number') return new Intl.NumberFormat(lang).format(value);
  if (setting === 'customQuestions' && Array.isArray(value)) {
    return value.length === 0 ? message(lang, 'policy-editor.cq.none') : value.map((q: unknown) => (q && typeof q === 'object' && 'en' in q ? String(q.en) : JSON.stringify(q))).join(' · ');
  }
  if (Array.isArray(value)) return value.map(choice).join(', ');
  return choice(value);
}

/** The row's heading cell content: label with the setting's name small beside it, or the name alone. */
export function settingHtml(lang: Lang, change: PolicyChange): SafeHtml {
  const label = settingLabel(lang, change.setting);
  return label ? html`${label} <small class="setting-id">(<code>${change.setting}</code>)</small>` : html`<code class="setting-id">${change.setting}</code>`;
}
