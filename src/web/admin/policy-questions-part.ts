import { html, type SafeHtml } from '../html.js';
import { message } from '../../i18n/messages.js';
import { languages, type Lang } from '../../i18n/lang.js';
import type { CustomQuestionInput } from '../../methods/questions/question-catalogue.js';

/**
 * The custom security questions in the policy form. Each current question travels as fields `cq.<n>.id` and
 * `cq.<n>.<lang>`; `cqRemove` names the ids to drop; `cqNew.<lang>` is one question to add (English required).
 * The marker `cq` says the form carried the section: without it the list is left as it is.
 */
type Values = Record<string, string | string[]>;

const MAX_ROWS = 40;
const otherLanguages = languages.filter((lang) => lang !== 'en');
const say = (lang: Lang, key: string) => message(lang, `policy-editor.${key}` as Parameters<typeof message>[1]);
const text = (values: Values, key: string): string => {
  const value = values[key];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
};

/** The form fields of the stored questions. */
export function questionValues(questions: readonly CustomQuestionInput[]): Values {
  const values: Values = { cq: '1' };
  questions.forEach((question, n) => {
    if (question.id) values[`cq.${n}.id`] = question.id;
    for (const lang of languages) if (question[lang] !== undefined) values[`cq.${n}.${lang}`] = question[lang] ?? '';
  });
  return values;
}

function questionAt(values: Values, n: number): Record<string, string> | null {
  const en = values[`cq.${n}.en`];
  if (typeof en !== 'string') return null;
  const question: Record<string, string> = { en };
  const id = text(values, `cq.${n}.id`);
  if (id) question.id = id;
  for (const lang of otherLanguages) {
    const value = text(values, `cq.${n}.${lang}`);
    if (value.trim()) question[lang] = value;
  }
  return question;
}

/** The question list the form asks for (kept, less removed, plus the new one), or undefined when the form carried no list. */
export function questionsOf(values: Values): Array<Record<string, string>> | undefined {
  if (text(values, 'cq') !== '1') return undefined;
  const removed = new Set(Array.isArray(values.cqRemove) ? values.cqRemove : values.cqRemove ? [values.cqRemove] : []);
  const list: Array<Record<string, string>> = [];
  for (let n = 0; n < MAX_ROWS; n += 1) {
    const question = questionAt(values, n);
    if (question && !(question.id && removed.has(question.id))) list.push(question);
  }
  if (text(values, 'cqNew.en').trim()) {
    const added: Record<string, string> = { en: text(values, 'cqNew.en') };
    for (const lang of otherLanguages) if (text(values, `cqNew.${lang}`).trim()) added[lang] = text(values, `cqNew.${lang}`);
    list.push(added);
  }
  return list;
}

/** The fieldset: the current questions (id, English, other languages, a remove box each) and the fields to add one. */
export function questionsPart(lang: Lang, values: Values): SafeHtml {
  const removed = new Set(Array.isArray(values.cqRemove) ? values.cqRemove : values.cqRemove ? [values.cqRemove] : []);
  const rows: SafeHtml[] = [];
  for (let n = 0; n < MAX_ROWS; n += 1) {
    const en = values[`cq.${n}.en`];
    if (typeof en !== 'string') continue;
    const id = text(values, `cq.${n}.id`);
    const others = otherLanguages.filter((other) => text(values, `cq.${n}.${other}`).trim());
    const hidden = languages.filter((l) => values[`cq.${n}.${l}`] !== undefined).map((l) => html`<input type="hidden" name="cq.${String(n)}.${l}" value="${text(values, `cq.${n}.${l}`)}">`);
    rows.push(html`<li class="pe-cq-item"><input type="hidden" name="cq.${String(n)}.id" value="${id}">${hidden}
<p class="pe-cq-en" lang="en" id="pe-cq-en-${String(n)}">${en}</p>
<p class="help">${say(lang, 'cq.id')}: <code>${id}</code></p>
${others.length ? html`<dl class="pe-cq-others">${others.map((other) => html`<dt>${message(other, 'pages.lang.name')}</dt><dd lang="${other}">${text(values, `cq.${n}.${other}`)}</dd>`)}</dl>` : ''}
<p class="pe-flag"><input type="checkbox" id="pe-cq-remove-${String(n)}" name="cqRemove" value="${id}" aria-describedby="pe-cq-en-${String(n)}"${removed.has(id) ? html` checked` : ''}><label for="pe-cq-remove-${String(n)}">${say(lang, 'cq.remove')}</label></p></li>`);
  }
  const addOther = otherLanguages.map(
    (other) => html`<label for="pe-cq-new-${other}" lang="${other}">${message(other, 'pages.lang.name')}</label><input type="text" id="pe-cq-new-${other}" name="cqNew.${other}" value="${text(values, `cqNew.${other}`)}" lang="${other}">`,
  );
  return html`<fieldset id="pe-cq"><legend>${say(lang, 'cq.heading')}</legend><input type="hidden" name="cq" value="1">
<p class="help">${say(lang, 'cq.intro')}</p>
${rows.length ? html`<ul class="pe-cq-list" id="pe-cq-list">${rows}</ul>` : html`<p id="pe-cq-none">${say(lang, 'cq.none')}</p>`}
<fieldset class="pe-cq-add"><legend>${say(lang, 'cq.add')}</legend>
<label for="pe-cq-new-en">${say(lang, 'cq.new.en')}</label><input type="text" id="pe-cq-new-en" name="cqNew.en" value="${text(values, 'cqNew.en')}" lang="en">
<details${otherLanguages.some((other) => text(values, `cqNew.${other}`)) ? html` open` : ''}><summary>${say(lang, 'cq.new.others')}</summary>${addOther}</details>
</fieldset>
</fieldset>`;
}
