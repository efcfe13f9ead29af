import { z } from 'zod';
import { methodTypes, type MethodType } from '../methods/index.js';

import { languages } from '../i18n/lang.js';

export { methodTypes, type MethodType };

const questionTextSchema = z.string().min(3).max(200);

/** An organisation's own question: English required, any other supported language optional. */
const customQuestionSchema = z.strictObject({
  id: z.string().regex(/^custom-[a-z0-9-]{1,40}$/).optional(),
  ...Object.fromEntries(languages.slice(1).map((lang) => [lang, questionTextSchema.optional()])),
  en: questionTextSchema,
}) as z.ZodType<{ id?: string | undefined; en: string } & { [L in Exclude<(typeof languages)[number], 'en'>]?: string | undefined }>;

/**
 * Who may reset and how (Entra SSPR's policy, sspr-facts.md). Stored in the database, changed by
 * `sspr policy set` (audited). Defaults are Entra's documented numbers.
 */
export const ssprPolicySchema = z.strictObject({
  /** none: nobody; selected: members of `group` (nested membership counts); all: everyone. */
  enabled: z.enum(['none', 'selected', 'all']).default('all'),
  group: z.string().min(1).max(256).nullable().default(null),
  /** Method types users may register and use. */
  methods: z.array(z.enum(methodTypes)).min(1).default([...methodTypes]),
  /** Distinct methods to verify before a reset (administrators: always 2). */
  methodsRequired: z.literal([1, 2]).default(1),
  /** Security questions to register and to answer at a reset (3–5 each). */
  questionsToRegister: z.number().int().min(3).max(5).default(3),
  questionsToAnswer: z.number().int().min(3).max(5).default(3),
  /** The organisation's own questions (up to 20), offered beside the predefined ones. */
  customQuestions: z
    .array(customQuestionSchema)
    .max(20)
    .default([]),
  /** Contact data the organisation holds (directory e-mail, mobile) counts as registered. */
  contactDataCounts: z.boolean().default(true),
  /** Users are sent to "security info" after sign-in until they have registered enough methods. */
  registrationRequired: z.boolean().default(false),
  /** Days after which users must re-confirm their methods (0 = never). */
  reconfirmDays: z.number().int().min(0).max(730).default(0),
  /** Users need a licence plan including SSPR (`sspr`, or `sspr-writeback` for directory accounts). */
  licenceRequired: z.boolean().default(false),
  notifyUserOnReset: z.boolean().default(true),
  notifyAdminsOnAdminReset: z.boolean().default(true),
  /** Where a known user learns why they may not reset: by e-mail (no account enumeration) or on the page. */
  refusalNotice: z.enum(['email', 'page']).default('email'),
  throttles: z
    .strictObject({
      failedProofs: z.number().int().min(1).max(100).default(5),
      failedProofsWindowHours: z.number().int().min(1).max(168).default(24),
      validationsPerMethodPerHour: z.number().int().min(1).max(100).default(5),
      emailsPer10Minutes: z.number().int().min(1).max(100).default(10),
      smsPerHour: z.number().int().min(1).max(100).default(5),
      blockHours: z.number().int().min(1).max(168).default(24),
    })
    .prefault({}),
});

export type SsprPolicy = z.infer<typeof ssprPolicySchema>;

/**
 * What is wrong with one invalid policy value: the dotted key, what it allows in words of no language
 * ("1–168", "none | selected | all"; for the catalogue sentence), and one English operator sentence with the
 * given value for the log and the CLI ("throttles.blockHours must be a whole number from 1 to 168 (got 500)").
 */
export function policyProblem(issue: z.core.$ZodIssue, given: unknown): { setting: string; allowed: string; sentence: string } {
  const key = issue.path.join('.') || '(policy)';
  const got = `(got ${JSON.stringify(given) ?? 'nothing'})`;
  const field = fieldSchema(issue.path);
  if (field instanceof z.ZodNumber && (issue.code === 'too_small' || issue.code === 'too_big' || issue.code === 'invalid_type')) {
    return { setting: key, allowed: `${field.minValue}–${field.maxValue}`, sentence: `${key} must be a whole number from ${field.minValue} to ${field.maxValue} ${got}` };
  }
  if (issue.code === 'invalid_value') {
    const values = issue.values.map((v) => JSON.stringify(v));
    return { setting: key, allowed: values.join(' | '), sentence: `${key} must be one of ${values.join(', ')} ${got}` };
  }
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => [...issue.path, k].join('.'));
    return { setting: keys.join(', '), allowed: '—', sentence: `unknown policy key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}` };
  }
  return { setting: key, allowed: '—', sentence: `${key}: ${issue.message} ${got}` };
}

function fieldSchema(path: readonly PropertyKey[]): unknown {
  let schema: unknown = ssprPolicySchema;
  for (const step of path) {
    while (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault || schema instanceof z.ZodNullable) schema = schema.unwrap();
    if (schema instanceof z.ZodObject) schema = (schema.shape as Record<PropertyKey, unknown>)[step];
    else if (schema instanceof z.ZodArray) schema = schema.element;
    else return undefined;
  }
  while (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault || schema instanceof z.ZodNullable) schema = schema.unwrap();
  return schema;
}
export const defaultSsprPolicy: SsprPolicy = ssprPolicySchema.parse({});

/**
 * The policy a reset runs under: its method types narrowed to those this service can deliver (e.g. no SMS
 * gateway → no SMS); e-mail when none is left, so a reset always has a way in.
 */
export function deliverablePolicy(policy: SsprPolicy, canDeliver: (type: MethodType) => boolean): SsprPolicy {
  const methods = policy.methods.filter(canDeliver);
  return { ...policy, methods: methods.length > 0 ? methods : ['email'] };
}

/** Administrators' fixed "two-gate" policy: two methods, never security questions; not relaxable. */
export const adminPolicy = { methodsRequired: 2, forbidden: ['questions'] as MethodType[] } as const;
