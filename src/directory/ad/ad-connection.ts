import type { Client } from 'ldapts';
import { openConnection, type LdapConnectionOptions, type LdapPoolOptions } from '../ldap-common/ldap-pool.js';
import { serviceBindName, type AdConfig } from './ad-config.js';

/**
 * How the AD connector connects to the DC: through the shared encrypted connections and pool of
 * ldap-common/ldap-pool.ts. Every client is encrypted (LDAPS, or ldap:// upgraded with StartTLS before any bind)
 * and may open exactly one socket: after a dropped connection ldapts would silently reconnect on the next
 * operation — unbound, and for StartTLS unencrypted, so a unicodePwd modify could go out in clear text. Here
 * such an operation fails as a connection error instead, and the pool replaces the client with a fresh one.
 */

/** The shared connection options for this DC (the certificate is checked against tlsServerName, else the URL's host). */
export function adConnectionOptions(config: AdConfig): LdapConnectionOptions {
  return {
    url: config.url,
    startTls: config.startTls,
    caFile: config.caFile,
    tlsServerName: config.tlsServerName,
    timeoutMs: config.timeoutMs,
  };
}

/** The shared pool options: `poolSize` connections bound as the service account (bindDn, or bindUpn). */
export function adPoolOptions(config: AdConfig): LdapPoolOptions {
  return {
    ...adConnectionOptions(config),
    bindDn: serviceBindName(config),
    bindPassword: config.bindPassword,
    size: config.poolSize,
  };
}

/** A new encrypted, unbound, single-socket client (StartTLS already done; LDAPS connects on first use). */
export function openAdConnection(config: AdConfig): Promise<Client> {
  return openConnection(adConnectionOptions(config));
}
