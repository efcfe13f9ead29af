/** Configuration of the OpenLDAP (RFC directory with ppolicy) connector, validated with zod. */
import { z } from 'zod';
import { bindPasswordShape, resolveBindPassword } from '../onprem/bind-password.js';

const attributeName = z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'an LDAP attribute name');

/** Which entry attribute feeds which account field. */
export const ldapAttributeMapSchema = z.strictObject({
  mail: attributeName.default('mail'),
  mobile: attributeName.default('mobile'),
  givenName: attributeName.default('givenName'),
  sn: attributeName.default('sn'),
  displayName: attributeName.default('cn'),
  /** Stable anchor (RFC 4530 entryUUID). */
  anchor: attributeName.default('entryUUID'),
});

const ldapShape = {
  /** ldaps://host:636, or ldap://host:389 with startTls: true. Plain, unencrypted LDAP is refused. */
  url: z.string().regex(/^ldaps?:\/\/[^/?#\s]+\/?$/i, 'an ldap:// or ldaps:// URL without path'),
  startTls: z.boolean().default(false),
  /** The service account: an ordinary entry with write access to userPassword, pwdReset, pwdAccountLockedTime. */
  bindDn: z.string().min(1),
  ...bindPasswordShape,
  /** Where the users live (searched with scope sub). */
  baseDn: z.string().min(1),
  loginAttribute: attributeName.default('uid'),
  /** Structural class of user entries. */
  userObjectClass: attributeName.default('inetOrgPerson'),
  /** PEM CA file to trust; the system store is used when absent. */
  caFile: z.string().min(1).optional(),
  timeoutMs: z.number().int().min(100).max(60_000).default(5_000),
  poolSize: z.number().int().min(1).max(32).default(4),
  attributes: ldapAttributeMapSchema.default(() => ldapAttributeMapSchema.parse({})),
  /**
   * The ppolicy entry to read (olcPPolicyDefault lives in cn=config, which a normal account cannot read).
   * An entry's own pwdPolicySubentry wins over this.
   */
  passwordPolicyDn: z.string().min(1).optional(),
};

function checkTransport(config: { url: string; startTls: boolean }, ctx: z.RefinementCtx): void {
  const ldaps = config.url.toLowerCase().startsWith('ldaps://');
  if (!ldaps && !config.startTls) ctx.addIssue({ code: 'custom', path: ['startTls'], message: 'use ldaps:// or set startTls: passwords are never sent unencrypted' });
  if (ldaps && config.startTls) ctx.addIssue({ code: 'custom', path: ['startTls'], message: 'StartTLS applies to ldap:// URLs only' });
}

/** The connector's settings (what `LdapDirectory.fromConfig` takes). */
export const ldapConfigSchema = z.strictObject(ldapShape).superRefine(checkTransport).transform(resolveBindPassword);

/** The `directory` config section `{"kind": "ldap", …}`: one member of the registry's discriminated union. */
export const ldapSectionSchema = z
  .strictObject({ kind: z.literal('ldap'), ...ldapShape })
  .superRefine(checkTransport)
  .transform(resolveBindPassword);

export type LdapConfig = z.output<typeof ldapConfigSchema>;
export type LdapConfigInput = z.input<typeof ldapConfigSchema>;
export type LdapSection = z.output<typeof ldapSectionSchema>;
