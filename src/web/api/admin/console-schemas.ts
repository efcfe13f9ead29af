import { z } from 'zod';
import { auditEventNames, auditOutcomes } from '../../../audit/audit-events.js';
import { auditExportFormatNames } from '../../../audit/audit-export.js';

/**
 * The console's request schemas, named and exported once: the pages and `/api/v1/admin/**` validate with them, and
 * an OpenAPI document can be generated from them. Query strings come from HTML forms too, so an empty field means
 * "not given".
 */
const emptyIsAbsent = (value: unknown) => (value === '' ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyIsAbsent, schema.optional());

/** A keyset cursor as the client holds it: opaque base64url text (at most 400 characters). */
export const cursorSchema = z.string().max(400).regex(/^[A-Za-z0-9_-]*$/);

export const consoleUsersQuerySchema = z.object({
  /** The beginning of a user name or display name; at most 256 characters (the search uses the first 64). */
  query: z.string().max(256).default(''),
  cursor: optional(cursorSchema),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

export const consoleUserParamsSchema = z.object({ username: z.string().min(1).max(256) });
export const consoleMethodParamsSchema = z.object({ username: z.string().min(1).max(256), methodId: z.string().min(1).max(64) });

/** A point in time: an ISO 8601 date (midnight UTC) or date-time (without an offset: UTC), as date inputs send it. */
export const instantSchema = z
  .string()
  .max(40)
  .regex(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/)
  .transform((text, context) => {
    const withZone = /[T ]\d{2}:\d{2}/.test(text) && !/(Z|[+-]\d{2}:?\d{2})$/.test(text) ? `${text.replace(' ', 'T')}Z` : text;
    const at = Date.parse(withZone);
    if (Number.isNaN(at)) {
      context.addIssue({ code: 'custom', message: 'not a date' });
      return z.NEVER;
    }
    return at;
  });

/** The end of a range: a date includes that whole day (the next midnight UTC, exclusive); a date-time is exclusive. */
export const untilSchema = z.preprocess(
  (value) => (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? { date: value } : value),
  z.union([z.object({ date: instantSchema }).transform(({ date }) => date + 86_400_000), instantSchema]),
);

export const consoleAuditQuerySchema = z.object({
  user: optional(z.string().max(256)),
  event: optional(z.enum(auditEventNames as [string, ...string[]])),
  outcome: optional(z.enum(auditOutcomes)),
  since: optional(instantSchema),
  /** Inclusive for a date (the whole day), exclusive for a date-time. */
  until: optional(untilSchema),
  cursor: optional(cursorSchema),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const consoleAuditExportQuerySchema = consoleAuditQuerySchema.omit({ cursor: true, limit: true }).extend({
  format: z.enum(auditExportFormatNames as [string, ...string[]]).default('csv'),
});

export type ConsoleUsersQuery = z.infer<typeof consoleUsersQuerySchema>;
export type ConsoleAuditQuery = z.infer<typeof consoleAuditQuerySchema>;
