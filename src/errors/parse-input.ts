import type { z } from 'zod';
import { SsprError } from './sspr-error.js';
import type { ErrorParams } from './catalogue.js';

/**
 * Parses a request body with a strict schema; the first problem becomes an `invalid-request` whose params
 * are a problem code and field names, so the sentence is whole in every language. The schema's own wording
 * (zod's English) goes only to the log-only detail.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? undefined);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new SsprError('invalid-request', { params: problemOf(issue), ...(issue ? { detail: issue.message } : {}) });
}

function problemOf(issue: z.core.$ZodIssue | undefined): ErrorParams<'invalid-request'> {
  if (!issue) return { problem: 'notAnObject' };
  const field = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') return { problem: 'unexpectedFields', fields: issue.keys.join(', ') };
  if (!field) return { problem: 'notAnObject' };
  switch (issue.code) {
    case 'invalid_type': return { problem: 'fieldMissing', field };
    case 'too_big': return { problem: 'fieldTooLong', field };
    case 'too_small': return { problem: 'fieldTooShort', field };
    default: return { problem: 'fieldInvalid', field };
  }
}
