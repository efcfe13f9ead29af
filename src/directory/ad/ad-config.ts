import { z } from 'zod';
import { bindPasswordShape, resolveBindPassword } from '../onprem/bind-password.js';

/**
 * Configuration of the Active Directory connector.
 * Contract: every connection this connector opens is encrypted. AD refuses unicodePwd writes over a clear
 * connection anyway (MS-ADTS 3.1.1.3.1.5.2, error 53 / 0000001F), and a simple bind would expose the
 * service password, so a plain `ldap://` URL without `startTls: true` is rejected here, before any I/O.
 */
const adAttributeMappingSchema = z
  .strictObject({
    email: z.string().min(1).default('mail'),
    mobile: z.string().min(1).default('mobile'),
    firstName: z.string().min(1).default('givenName'),
    lastName: z.string().min(1).default('sn'),
    displayName: z.string().min(1).default('displayName'),
    /** Binary GUID attribute used as the stable anchor. */
    anchor: z.string().min(1).default('objectGUID'),
  })
  .prefault({});

const adShape = {
  url: z
    .string()
    .regex(/^ldaps?:\/\/[^/\s]+\/?$/i, 'url must be ldaps://host[:port] or ldap://host[:port]'),
  /** Upgrade an `ldap://` connection with StartTLS (RFC 4513 §3); meaningless for `ldaps://`. */
  startTls: z.boolean().default(false),
  bindDn: z.string().min(1).optional(),
  /** Alternative to bindDn: AD accepts a UPN (svc@example.test) as the simple-bind name. */
  bindUpn: z.string().regex(/^[^@\s]+@[^@\s]+$/, 'bindUpn must look like name@domain').optional(),
  ...bindPasswordShape,
  /** Subtree searched for accounts. */
  baseDn: z.string().min(1),
  /** PEM CA bundle that signed the DC certificate; system CAs when absent. */
  caFile: z.string().min(1).optional(),
  /**
   * The name the DC certificate must carry, when the URL uses another name or an IP address (Samba's
   * self-generated certificate names only DC1.<realm>). The certificate is always verified.
   */
  tlsServerName: z.string().min(1).optional(),
  timeoutMs: z.number().int().positive().max(120_000).default(10_000),
  loginAttribute: z.enum(['sAMAccountName', 'userPrincipalName']).default('sAMAccountName'),
  attributes: adAttributeMappingSchema,
  /** After a self-service reset, leave "must change at next logon" set (pwdLastSet=0) instead of clearing it. */
  mustChangeAfterSelfServiceReset: z.boolean().default(false),
  /** Extra group DNs whose direct members are treated like the built-in protected groups. */
  protectedGroups: z.array(z.string().min(1)).default([]),
  /** Service connections kept open and bound. */
  poolSize: z.number().int().min(1).max(32).default(2),
};

function checkSection(config: { url: string; startTls: boolean; bindDn?: string | undefined; bindUpn?: string | undefined }, ctx: z.RefinementCtx): void {
  const plain = config.url.toLowerCase().startsWith('ldap://');
  if (plain && !config.startTls) {
    ctx.addIssue({
      code: 'custom',
      path: ['url'],
      message: 'plain ldap:// needs startTls: true — Active Directory only accepts passwords over an encrypted connection',
    });
  }
  if (!plain && config.startTls) {
    ctx.addIssue({ code: 'custom', path: ['startTls'], message: 'startTls applies to ldap:// only; ldaps:// is already encrypted' });
  }
  if ((config.bindDn === undefined) === (config.bindUpn === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['bindDn'], message: 'give exactly one of bindDn or bindUpn' });
  }
}

/** The connector's settings (what `AdDirectory.fromConfig` takes). */
export const adConfigSchema = z.strictObject(adShape).superRefine(checkSection).transform(resolveBindPassword);

/** The `directory` config section `{"kind": "ad", …}`: one member of the registry's discriminated union. */
export const adSectionSchema = z.strictObject({ kind: z.literal('ad'), ...adShape }).superRefine(checkSection).transform(resolveBindPassword);

export type AdConfigInput = z.input<typeof adConfigSchema>;
export type AdConfig = z.output<typeof adConfigSchema>;
export type AdSection = z.output<typeof adSectionSchema>;

/** Validates raw configuration; throws a ZodError naming every problem. */
export function parseAdConfig(input: unknown): AdConfig {
  return adConfigSchema.parse(input);
}

/** The simple-bind name of the service account. */
export function serviceBindName(config: AdConfig): string {
  return config.bindDn ?? config.bindUpn ?? '';
}
