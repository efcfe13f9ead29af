import { z } from 'zod';
import type { AuditSinkModule } from '../audit-sink.js';
import { auditPayload } from '../audit-sink.js';
import { sinkIdPattern } from '../audit-sink.js';

/** `{"kind": "log", "id": "log"}`: every event as one JSON line in the service's own log (`audit` key, level info). */
export const logSectionSchema = z.strictObject({
  kind: z.literal('log'),
  id: z.string().regex(sinkIdPattern, 'lower-case letters, digits and dashes, at most 40'),
});

export type LogSinkSection = z.output<typeof logSectionSchema>;

export const logSinkModule: AuditSinkModule<LogSinkSection> = {
  create: (section, context) => ({
    id: section.id,
    kind: 'log',
    async deliver(event) {
      context.log.info({ audit: auditPayload(event) }, 'audit event');
    },
    async close() {},
  }),
  secretKeys: [],
};
