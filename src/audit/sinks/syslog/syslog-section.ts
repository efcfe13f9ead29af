import { z } from 'zod';
import { sinkIdPattern } from '../audit-sink.js';
import { syslogFacilities, type SyslogFacility } from './syslog-frame.js';

const facilityNames = Object.keys(syslogFacilities) as [SyslogFacility, ...SyslogFacility[]];

/**
 * `{"kind": "syslog", "id": "siem", "transport": "tls", "host": "…", …}`: RFC 5424 messages over UDP (RFC 5426),
 * TCP with octet counting (RFC 6587) or TLS (RFC 5425). The port defaults to 514 (UDP, TCP) or 6514 (TLS).
 */
export const syslogSectionSchema = z.strictObject({
  kind: z.literal('syslog'),
  id: z.string().regex(sinkIdPattern, 'lower-case letters, digits and dashes, at most 40'),
  transport: z.enum(['udp', 'tcp', 'tls']).default('tls'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).optional(),
  facility: z.enum(facilityNames).default('authpriv'),
  appName: z.string().min(1).max(48).default('sspr'),
  /** The HOSTNAME field; this machine's name when unset. */
  hostname: z.string().min(1).max(255).optional(),
  /** Send the `[sspr@32473 eventId=… outcome=…]` structured data (false: NILVALUE). */
  structuredData: z.boolean().default(true),
  /** SD-ID of that element: `name@private-enterprise-number` (32473 is the documentation number of RFC 5612). */
  sdId: z.string().regex(/^[^\s=\]"@]{1,24}@\d{1,7}$/).default('sspr@32473'),
  /** TLS: CA bundle (PEM) the collector's certificate must chain to (system CAs when unset). */
  caFile: z.string().min(1).optional(),
  /** TLS: client certificate and key (PEM) for collectors that authenticate senders (RFC 5425 §5.2). */
  certFile: z.string().min(1).optional(),
  keyFile: z.string().min(1).optional(),
  /** TLS: the name the certificate must carry (default `host`). */
  servername: z.string().min(1).optional(),
  /** Milliseconds an attempt (connect and write) may take. */
  timeoutMs: z.number().int().min(500).max(60_000).default(5000),
});

export type SyslogSection = z.output<typeof syslogSectionSchema>;
