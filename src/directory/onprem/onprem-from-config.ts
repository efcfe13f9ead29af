import type { Config } from '../../config/schema.js';
import type { OnPremDirectory } from './onprem-directory.js';
import { LdapDirectory } from '../ldap/ldap-directory.js';
import { AdDirectory } from '../ad/ad-directory.js';
import type { LdapConfigInput } from '../ldap/ldap-config.js';

/** The connector the `directory` config section names (already validated at start-up), or null. */
export function onPremDirectoryFrom(config: Config): OnPremDirectory | null {
  if (!config.directory) return null;
  const { kind, ...section } = config.directory;
  return kind === 'ad' ? AdDirectory.fromConfig(section) : LdapDirectory.fromConfig(section as LdapConfigInput);
}
