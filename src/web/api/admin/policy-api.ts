import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../../app/services.js';
import type { CookiePolicy } from '../../cookies.js';
import type { MethodRequest } from '../../../methods/method.js';
import { requireOperator, requireRecentStepUp } from '../../admin/console-access.js';
import { parseBody } from '../validate.js';
import { candidatePolicy } from '../../../policy/policy-store.js';
import { changesLine, policyChanges } from '../../../policy/policy-changes.js';
import { bannedTermsOf } from '../../../policy/banned-term.js';
import { PolicyWhatIf, type WhatIf } from '../../../doctor/policy-what-if.js';
import type { SsprPolicy } from '../../../policy/sspr-policy.js';

/** Names per page of the what-if lists. */
export const WHAT_IF_PAGE = 50;

/** A candidate policy: any of the policy's settings (validated as a whole against the stored one). */
const candidateBody = z.record(z.string().max(64), z.unknown());
const bannedBody = z.strictObject({ terms: z.array(z.string().max(200)).max(2000) });
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).default(1) });

/** The what-if of the candidate against the stored policy, one page of names (shared by the page and the API). */
export async function previewPolicy(services: Services, change: Record<string, unknown>, page: number): Promise<{ candidate: SsprPolicy; whatIf: WhatIf }> {
  const before = await services.policy.current();
  const candidate = candidatePolicy(before, change);
  const whatIf = new PolicyWhatIf({ db: services.store.reads, findGroup: (name) => services.groups.find(name), availableTypes: [...services.methods.keys()] });
  return { candidate, whatIf: await whatIf.preview(before, candidate, { offset: (page - 1) * WHAT_IF_PAGE, limit: WHAT_IF_PAGE }) };
}

/** Saves a policy change (validated by the one schema) and audits every changed setting with its old and new value. */
export async function savePolicy(services: Services, change: Record<string, unknown>, by: string, request: MethodRequest): Promise<SsprPolicy> {
  const before = await services.policy.current();
  const after = await services.policy.update(change, by);
  const changes = policyChanges(before, after);
  await services.audit.record({ event: 'policy-saved', outcome: 'success', username: by, ip: request.ip || null, detail: { by, changes: changesLine(changes), count: changes.length } });
  return after;
}

/** Replaces the organisation's banned terms with `lines` (audited as a policy change with the terms added and removed). */
export async function saveBannedTerms(services: Services, lines: readonly string[], by: string, request: MethodRequest): Promise<string[]> {
  const terms = bannedTermsOf(lines);
  const current = await services.bannedTerms.list();
  const removed = await services.bannedTerms.remove(current.filter((t) => !terms.includes(t)));
  const added = await services.bannedTerms.add(terms.filter((t) => !current.includes(t)), services.clock.now());
  if (added.length || removed.length) {
    const line = [added.length ? `bannedTerms added: ${added.join(', ')}` : '', removed.length ? `bannedTerms removed: ${removed.join(', ')}` : ''].filter(Boolean).join('; ');
    await services.audit.record({ event: 'policy-saved', outcome: 'success', username: by, ip: request.ip || null, detail: { by, changes: line.slice(0, 2000), count: added.length + removed.length } });
  }
  return services.bannedTerms.list();
}

/**
 * The policy over JSON (administrators only): `GET /api/v1/admin/policy` (policy and banned terms),
 * `POST /api/v1/admin/policy/preview[?page=N]` (body: the candidate settings, `customQuestions` the whole list; answer: users able to reset before and
 * after, gained and lost counts, a page of names each, the changed settings), `PUT /api/v1/admin/policy` (saves, a session operator with a recent step-up;
 * every changed setting audited old → new) and `PUT /api/v1/admin/policy/banned-terms {terms}`.
 */
export async function policyApi(app: FastifyInstance, services: Services, policy: CookiePolicy): Promise<void> {
  const admin = (request: FastifyRequest) => requireOperator(services, policy, request, 'admin');

  app.get('/api/v1/admin/policy', { config: { doc: { summary: 'The reset policy and the banned terms', tag: 'admin', access: 'operator', errors: ['admin-only', 'admin-token-scope'] } } }, async (request, reply) => {
    await admin(request);
    return reply.header('cache-control', 'no-store').send({ policy: await services.policy.current(), bannedTerms: await services.bannedTerms.list() });
  });

  app.post('/api/v1/admin/policy/preview', {
    config: { doc: { summary: 'What-if of candidate settings: users able to reset before and after, gained and lost (a page of names each), the changed settings', tag: 'admin', access: 'operator', body: candidateBody, query: pageQuery, errors: ['admin-only', 'admin-token-scope', 'policy-setting-invalid', 'custom-question-invalid'], example: { body: { enabled: 'selected', group: 'SSPR Users', customQuestions: [{ en: 'Which street did you grow up in?', de: 'In welcher Straße sind Sie aufgewachsen?' }] } } } },
  }, async (request, reply) => {
    await admin(request);
    const { page } = parseBody(pageQuery, request.query ?? {});
    const { candidate, whatIf } = await previewPolicy(services, parseBody(candidateBody, request.body), page);
    return reply.header('cache-control', 'no-store').send({ candidate, ...whatIf, page, pageSize: WHAT_IF_PAGE });
  });

  app.put('/api/v1/admin/policy', {
    config: { doc: { summary: 'Save policy settings (validated as a whole; every changed setting audited old and new)', tag: 'admin', access: 'operator', body: candidateBody, errors: ['admin-only', 'admin-token-scope', 'step-up-stale', 'policy-setting-invalid', 'custom-question-invalid'], example: { body: { questionsToAnswer: 3, notifyUserOnReset: true, customQuestions: [{ id: 'custom-street', en: 'Which street did you grow up in?', de: 'In welcher Straße sind Sie aufgewachsen?' }, { en: 'What was the name of your first teacher?' }] } } } },
  }, async (request, reply) => {
    const operator = await admin(request);
    requireRecentStepUp(services, operator);
    const saved = await savePolicy(services, parseBody(candidateBody, request.body), operator.label, request.ctx);
    return reply.header('cache-control', 'no-store').send({ policy: saved });
  });

  app.put('/api/v1/admin/policy/banned-terms', {
    config: { doc: { summary: "Replace the organisation's banned password terms (audited)", tag: 'admin', access: 'operator', body: bannedBody, errors: ['admin-only', 'admin-token-scope'], example: { body: { terms: ['contoso', 'winter'] } } } },
  }, async (request, reply) => {
    const operator = await admin(request);
    const { terms } = parseBody(bannedBody, request.body);
    return reply.header('cache-control', 'no-store').send({ bannedTerms: await saveBannedTerms(services, terms, operator.label, request.ctx) });
  });
}
