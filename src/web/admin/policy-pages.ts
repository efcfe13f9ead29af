import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/services.js';
import type { PageKit } from '../pages/page-kit.js';
import { csrfField, type PageContext } from '../pages/layout.js';
import { html, type SafeHtml } from '../html.js';
import { message } from '../../i18n/messages.js';
import type { Lang } from '../../i18n/lang.js';
import { methodTypes, type SsprPolicy } from '../../policy/sspr-policy.js';
import { SsprError } from '../../errors/sspr-error.js';
import { requireConsolePage, requireRecentStepUp, type Operator } from './console-access.js';
import { questionValues, questionsOf, questionsPart } from './policy-questions-part.js';
import { renderConsole } from './console-layout.js';
import { consoleTable } from './console-table.js';
import { settingHtml, settingValue } from './policy-change-text.js';
import { WHAT_IF_PAGE, previewPolicy, saveBannedTerms, savePolicy } from '../api/admin/policy-api.js';
import type { WhatIf } from '../../doctor/policy-what-if.js';
import { bannedTermsOf } from '../../policy/banned-term.js';

/** The form as submitted (or filled from the stored policy): field name → value(s). */
type Values = Record<string, string | string[]>;

const throttleKeys = ['failedProofs', 'failedProofsWindowHours', 'validationsPerMethodPerHour', 'emailsPer10Minutes', 'smsPerHour', 'blockHours'] as const;
const numberKeys = ['methodsRequired', 'questionsToRegister', 'questionsToAnswer', 'reconfirmDays'] as const;
const flagKeys = ['licenceRequired', 'contactDataCounts', 'registrationRequired', 'notifyUserOnReset', 'notifyAdminsOnAdminReset'] as const;

function valuesOf(policy: SsprPolicy, bannedTerms: string[]): Values {
  const values: Values = { enabled: policy.enabled, group: policy.group ?? '', methods: [...policy.methods], refusalNotice: policy.refusalNotice, bannedTerms: bannedTerms.join('\n') };
  for (const key of numberKeys) values[key] = String(policy[key]);
  for (const key of flagKeys) values[key] = policy[key] ? '1' : '';
  for (const key of throttleKeys) values[`throttles.${key}`] = String(policy.throttles[key]);
  Object.assign(values, questionValues(policy.customQuestions));
  return values;
}

function submitted(body: unknown): Values {
  const raw = (body ?? {}) as Record<string, unknown>;
  const values: Values = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string') values[key] = value.slice(0, 20_000);
    else if (Array.isArray(value)) values[key] = value.filter((v): v is string => typeof v === 'string').slice(0, 20).map((v) => v.slice(0, 64));
  }
  return values;
}

const one = (values: Values, key: string): string => {
  const value = values[key];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
};
const many = (values: Values, key: string): string[] => {
  const value = values[key];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
};

/** The change the form asks for, in the policy's own shape; the one schema (`candidatePolicy`) judges it. */
function changeOf(values: Values): Record<string, unknown> {
  const number = (text: string) => (/^\d{1,6}$/.test(text.trim()) ? Number(text.trim()) : text);
  const change: Record<string, unknown> = {
    enabled: one(values, 'enabled'),
    group: one(values, 'group').trim() || null,
    methods: many(values, 'methods'),
    refusalNotice: one(values, 'refusalNotice'),
    throttles: Object.fromEntries(throttleKeys.map((key) => [key, number(one(values, `throttles.${key}`))])),
  };
  for (const key of numberKeys) change[key] = number(one(values, key));
  for (const key of flagKeys) change[key] = one(values, key) === '1';
  const questions = questionsOf(values);
  if (questions) change.customQuestions = questions;
  return change;
}

function formPart(page: PageContext, values: Values, previewed: boolean): SafeHtml {
  const { lang } = page;
  const say = (key: string) => message(lang, `policy-editor.${key}` as Parameters<typeof message>[1]);
  const text = (key: string, attributes: SafeHtml | string = '') =>
    html`<label for="pe-${key}">${say(key)}</label><input type="text" id="pe-${key}" name="${key}" value="${one(values, key)}" inputmode="numeric" maxlength="6"${attributes}>`;
  const flag = (key: string) =>
    html`<p class="pe-flag"><input type="checkbox" id="pe-${key}" name="${key}" value="1"${one(values, key) === '1' ? html` checked` : ''}><label for="pe-${key}">${say(key)}</label></p>`;
  const option = (key: string, value: string, label: string) => html`<option value="${value}"${one(values, key) === value ? html` selected` : ''}>${label}</option>`;
  const chosen = new Set(many(values, 'methods'));
  const methods = methodTypes.map(
    (type) => html`<li><input type="checkbox" id="pe-m-${type}" name="methods" value="${type}"${chosen.has(type) ? html` checked` : ''}><label for="pe-m-${type}">${say(`method.${type}`)}</label></li>`,
  );
  return html`<form method="post" action="/admin/policy" class="pe-form" id="pe-form">${csrfField(page)}
<fieldset><legend>${say('scope.heading')}</legend>
<label for="pe-enabled">${say('enabled')}</label>
<select id="pe-enabled" name="enabled">${option('enabled', 'all', say('enabled.all'))}${option('enabled', 'selected', say('enabled.selected'))}${option('enabled', 'none', say('enabled.none'))}</select>
<label for="pe-group">${say('group')}</label><input type="text" id="pe-group" name="group" value="${one(values, 'group')}" maxlength="256">
${flag('licenceRequired')}
</fieldset>
<fieldset><legend>${say('methods.heading')}</legend>
<fieldset class="pe-methods"><legend>${say('methods')}</legend><ul>${methods}</ul></fieldset>
<label for="pe-methodsRequired">${say('methodsRequired')}</label>
<select id="pe-methodsRequired" name="methodsRequired">${option('methodsRequired', '1', '1')}${option('methodsRequired', '2', '2')}</select>
${text('questionsToRegister')}${text('questionsToAnswer')}
${flag('contactDataCounts')}${flag('registrationRequired')}
${text('reconfirmDays')}
</fieldset>
<fieldset><legend>${say('notify.heading')}</legend>
${flag('notifyUserOnReset')}${flag('notifyAdminsOnAdminReset')}
<label for="pe-refusalNotice">${say('refusalNotice')}</label>
<select id="pe-refusalNotice" name="refusalNotice">${option('refusalNotice', 'email', say('refusalNotice.email'))}${option('refusalNotice', 'page', say('refusalNotice.page'))}</select>
</fieldset>
<fieldset><legend>${say('throttles.heading')}</legend>
${throttleKeys.map((key) => text(`throttles.${key}`))}
</fieldset>
${questionsPart(lang, values)}
<fieldset><legend>${say('banned.heading')}</legend>
<label for="pe-bannedTerms">${say('banned.label')}</label>
<textarea id="pe-bannedTerms" name="bannedTerms" rows="5">${one(values, 'bannedTerms')}</textarea>
</fieldset>
<p class="pe-actions"><button type="submit" name="action" value="preview" id="pe-preview"${previewed ? html` class="secondary"` : ''}>${say('preview')}</button>
${previewed ? html`<button type="submit" name="action" value="save" id="pe-save">${say('save')}</button>` : ''}</p>
</form>`;
}

function previewPart(page: PageContext, whatIf: WhatIf, pageNumber: number): SafeHtml {
  const { lang } = page;
  const names = (list: string[], id: string) => (list.length ? html`<ul class="pe-names" id="${id}">${list.map((name) => html`<li><a href="/admin/helpdesk/${encodeURIComponent(name)}">${name}</a></li>`)}</ul>` : '');
  const from = (pageNumber - 1) * WHAT_IF_PAGE + 1;
  const more = Math.max(whatIf.gained, whatIf.lost) > pageNumber * WHAT_IF_PAGE;
  const changes = whatIf.changes.length
    ? consoleTable({
        class: 'pe-changes',
        caption: message(lang, 'policy-editor.preview.changes'),
        columns: [
          { label: message(lang, 'policy-editor.preview.setting'), rowHeader: true, cell: (c) => settingHtml(lang, c) },
          { label: message(lang, 'policy-editor.preview.from'), cell: (c) => settingValue(lang, c.setting, c.from) },
          { label: message(lang, 'policy-editor.preview.to'), cell: (c) => settingValue(lang, c.setting, c.to) },
        ],
        rows: whatIf.changes,
      })
    : html`<p>${message(lang, 'policy-editor.preview.none')}</p>`;
  return html`<section class="pe-preview" aria-labelledby="pe-preview-heading" id="pe-what-if"><h2 id="pe-preview-heading">${message(lang, 'policy-editor.preview.heading')}</h2>
<p id="pe-counts">${message(lang, 'policy-editor.preview.counts', { before: whatIf.before, after: whatIf.after })}</p>
${changes}
<p id="pe-lost-count"><strong>${message(lang, 'policy-editor.preview.lost', { count: whatIf.lost })}</strong></p>${names(whatIf.lostNames, 'pe-lost')}
<p id="pe-gained-count"><strong>${message(lang, 'policy-editor.preview.gained', { count: whatIf.gained })}</strong></p>${names(whatIf.gainedNames, 'pe-gained')}
${pageNumber > 1 || more ? html`<p class="help">${message(lang, 'policy-editor.preview.page', { from, to: from + WHAT_IF_PAGE - 1 })}</p>` : ''}
<p><button type="submit" form="pe-form" name="action" value="save" id="pe-save-top">${message(lang, 'policy-editor.save')}</button></p>
${more ? html`<p class="help">${message(lang, 'policy-editor.preview.more')}: <button type="submit" form="pe-form-next" class="secondary">${String(pageNumber + 1)}</button></p>` : ''}
</section>`;
}

/** The refusal in the reader's language; every problem of a custom question list, one sentence each. */
function sentencesOf(error: SsprError, lang: Lang): string {
  const problems = (error.details as { problems?: unknown[] } | undefined)?.problems;
  if (error.code !== 'custom-question-invalid' || !Array.isArray(problems)) return error.messageIn(lang);
  return problems.map((params) => message(lang, 'errors.custom-question-invalid', params as Parameters<typeof message<'errors.custom-question-invalid'>>[2])).join(' ');
}

/**
 * `/admin/policy` (administrators): every SSPR setting and the banned terms in one form. "Preview" answers with the
 * what-if (who gains or loses the ability to reset, one page of names each) and only then offers "Save"; saving
 * goes through the same validation as `sspr policy set` and is audited with old and new values.
 */
export async function policyPages(app: FastifyInstance, services: Services, kit: PageKit): Promise<void> {
  function show(request: FastifyRequest, reply: FastifyReply, operator: Operator, values: Values, extra: { whatIf?: WhatIf; page?: number; saved?: boolean } = {}, options: { status?: number; error?: string } = {}) {
    const lang: Lang = request.ctx.lang;
    reply.header('cache-control', 'no-store');
    return renderConsole(kit, request, reply, operator, 'policy', message(lang, 'policy-editor.title'), (page) => {
      const next = extra.whatIf
        ? html`<form method="post" action="/admin/policy" id="pe-form-next" hidden>${csrfField(page)}${Object.entries(values).filter(([key]) => key !== '_csrf' && key !== 'page' && key !== 'action').flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((v) => html`<input type="hidden" name="${key}" value="${v}">`))}<input type="hidden" name="action" value="preview"><input type="hidden" name="page" value="${String((extra.page ?? 1) + 1)}"></form>`
        : '';
      return html`<div class="pe">
${extra.saved ? html`<p class="notice" role="status" id="pe-saved">${message(lang, 'policy-editor.saved')}</p>` : ''}
<p>${message(lang, 'policy-editor.intro')}</p>
${extra.whatIf ? previewPart(page, extra.whatIf, extra.page ?? 1) : ''}
${formPart(page, values, extra.whatIf !== undefined)}
${next}
</div>`;
    }, options);
  }

  app.get('/admin/policy', async (request, reply) => {
    const operator = await requireConsolePage(services, kit, request, reply, 'admin');
    if (!operator) return reply;
    const saved = (request.query as Record<string, unknown> | undefined)?.saved === '1';
    return show(request, reply, operator, valuesOf(await services.policy.current(), await services.bannedTerms.list()), { saved });
  });

  app.post('/admin/policy', async (request, reply) => {
    const operator = await requireConsolePage(services, kit, request, reply, 'admin');
    if (!operator) return reply;
    kit.checkCsrf(request);
    const values = submitted(request.body);
    const change = changeOf(values);
    const terms = one(values, 'bannedTerms').split(/\r?\n/);
    try {
      bannedTermsOf(terms);
      if (one(values, 'action') === 'save') {
        requireRecentStepUp(services, operator);
        await savePolicy(services, change, operator.label, request.ctx);
        await saveBannedTerms(services, terms, operator.label, request.ctx);
        return kit.redirect(reply, '/admin/policy?saved=1');
      }
      const pageNumber = Math.min(Math.max(Number.parseInt(one(values, 'page'), 10) || 1, 1), 100_000);
      const { whatIf } = await previewPolicy(services, change, pageNumber);
      return show(request, reply, operator, values, { whatIf, page: pageNumber });
    } catch (error) {
      if (!(error instanceof SsprError) || error.status >= 500) throw error;
      if (error.code === 'step-up-stale') return kit.redirect(reply, `/admin/step-up?fresh=1&next=${encodeURIComponent('/admin/policy')}`);
      return show(request, reply, operator, values, {}, { status: error.status, error: sentencesOf(error, request.ctx.lang) });
    }
  });
}
