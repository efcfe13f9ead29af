import type { z } from 'zod';
import { SsprError } from './sspr-error.js';

/** Parses a request body or a form's fields with a strict schema; the first problem becomes a readable `invalid-request`. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? undefined);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  let detail = 'the body must be a JSON object';
  if (issue) {
    const field = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') detail = `unexpected field(s): ${issue.keys.join(', ')}`;
    else if (issue.code === 'invalid_type' && issue.path.length > 0) detail = `"${field}" is missing or not a ${issue.expected}`;
    else if (issue.code === 'too_big') detail = `"${field}" is too long`;
    else if (issue.code === 'too_small') detail = `"${field}" is too short`;
    else if (field) detail = `"${field}": ${issue.message}`;
  }
  throw new SsprError('invalid-request', { params: { detail } });
}
