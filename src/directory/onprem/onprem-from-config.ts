import type { Config } from '../../config/schema.js';
import type { OnPremDirectory } from './onprem-directory.js';
import { LdapDirectory } from '../ldap/ldap-directory.js';
import { AdDirectory } from '../ad/ad-directory.js';
import type { LdapConfigInput } from '../ldap/ldap-config.js';

/** The connector the `directory` config section names (already validated at start-up), or null. */
export function onPremDirectoryFrom(config: Pick<Config, 'directory'>): OnPremDirectory | null {
  return config.directory ? onPremDirectoryFor(config.directory) : null;
}

/** The connector for one validated directory section ({"kind": "ldap" | "ad", …}); used by the server and the agent. */
export function onPremDirectoryFor(directory: Record<string, unknown>): OnPremDirectory {
  const { kind, ...section } = directory;
  return kind === 'ad' ? AdDirectory.fromConfig(section) : LdapDirectory.fromConfig(section as LdapConfigInput);
}
