import { readFileSync } from 'node:fs';
import type { AuditSink, AuditSinkModule } from '../audit-sink.js';
import { auditPayload } from '../audit-sink.js';
import { signedHeaders, webhookKey, webhookSecretPattern } from './standard-webhooks.js';
import type { WebhookSinkSection } from './webhook-section.js';

/** The secret of the section: inline, or the first line of `secretFile` (checked like an inline one). */
function secretOf(section: WebhookSinkSection): string {
  if (section.secret) return section.secret;
  const text = readFileSync(section.secretFile as string, 'utf8').trim();
  if (!webhookSecretPattern.test(text)) throw new Error(`audit sink ${section.id}: ${section.secretFile} does not hold a whsec_… secret`);
  return text;
}

/**
 * A signed POST per event: body `{"type": "audit.<event>", "timestamp": …, "data": {…}}`; `webhook-id` is
 * `audit-<event id>` on every attempt. Any 2xx delivers; anything else (a redirect included: it is not
 * followed) fails the attempt and the queue retries.
 */
function webhookSink(section: WebhookSinkSection): AuditSink {
  const key = webhookKey(secretOf(section));
  return {
    id: section.id,
    kind: 'webhook',
    async deliver(event, signal) {
      const body = JSON.stringify({ type: `audit.${event.event}`, timestamp: new Date(event.at).toISOString(), data: auditPayload(event) });
      const headers = { 'content-type': 'application/json', ...signedHeaders(key, `audit-${event.id}`, Math.floor(Date.now() / 1000), body) };
      const response = await fetch(section.url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.any([signal, AbortSignal.timeout(section.timeoutMs)]) });
      await response.body?.cancel().catch(() => undefined);
      if (response.status < 200 || response.status > 299) throw new Error(`webhook answered HTTP ${response.status}`);
    },
    async close() {},
  };
}

export const webhookSinkModule: AuditSinkModule<WebhookSinkSection> = { create: webhookSink, secretKeys: ['secret'] };
