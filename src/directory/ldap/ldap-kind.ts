import type { DirectoryKindModule } from '../directory-kind.js';
import type { LdapSection } from './ldap-config.js';
import { LdapDirectory } from './ldap-directory.js';
import { ldapDirectoryReader } from './ldap-directory-reader.js';

/** OpenLDAP and other RFC directories with the ppolicy overlay. */
export const ldapKind: DirectoryKindModule<LdapSection> = {
  connector: (section) => new LdapDirectory(section),
  reader: ldapDirectoryReader,
  policyHints: () => null,
  resetsHonourMinimumAge: true,
};
