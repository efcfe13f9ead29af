/**
 * The audit sink kinds, listed once: an entry of `audit.sinks` is their discriminated union on `kind`, and the
 * sink is the kind module's. A new kind is one folder (`audit/sinks/<kind>/`: section schema, sink) plus its entry
 * in `kinds` and in `auditSinkSchema`.
 */
import { z } from 'zod';
import type { AuditSink, AuditSinkModule, SinkContext } from './audit-sink.js';
import { syslogSectionSchema } from './syslog/syslog-section.js';
import { syslogSinkModule } from './syslog/syslog-sink.js';
import { webhookSectionSchema } from './webhook/webhook-section.js';
import { webhookSinkModule } from './webhook/webhook-sink.js';
import { logSectionSchema, logSinkModule } from './log/log-sink.js';

/** One entry of `audit.sinks`. */
export const auditSinkSchema = z.discriminatedUnion('kind', [syslogSectionSchema, webhookSectionSchema, logSectionSchema]);
export type AuditSinkConfig = z.output<typeof auditSinkSchema>;
export type AuditSinkKind = AuditSinkConfig['kind'];
type SectionOf<K extends AuditSinkKind> = Extract<AuditSinkConfig, { kind: K }>;

const kinds: { [K in AuditSinkKind]: AuditSinkModule<SectionOf<K>> } = {
  syslog: syslogSinkModule,
  webhook: webhookSinkModule,
  log: logSinkModule,
};

/** Keys, relative to one sink entry, whose values are never printed (of every kind). */
export const auditSinkSecretKeys: readonly string[] = [...new Set(Object.values(kinds).flatMap((kind) => kind.secretKeys))];

/** The sink an entry of `audit.sinks` describes. */
export function auditSinkFromConfig<K extends AuditSinkKind>(section: SectionOf<K>, context: SinkContext): AuditSink {
  const kind: K = section.kind;
  return kinds[kind].create(section, context);
}
