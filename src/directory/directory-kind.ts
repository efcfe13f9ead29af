/**
 * One directory kind (`ldap`, `ad`, …) behind one interface, as kysely's dialects are (src/dialect/<db>/): the
 * folder `directory/<kind>/` holds its section schema, connector, sync reader and what the doctor reads from a
 * probe, and exports one DirectoryKindModule; registry.ts lists the modules once.
 */
import type { DirectoryReader } from '../sync/directory-reader.js';
import type { DirectoryProbe, OnPremDirectory } from './onprem/onprem-directory.js';

export interface DirectoryKindModule<Section extends { kind: string }> {
  /** The connector for a parsed section (no I/O until first use). */
  connector(section: Section): OnPremDirectory;
  /** The sync reader for a parsed section (streams users and groups; see sync/directory-reader.ts). */
  reader(section: Section): DirectoryReader;
  /** Whether the directory offers the policy-hints control for resets (AD); null when the kind has no such notion. */
  policyHints(probe: DirectoryProbe): boolean | null;
  /**
   * Whether an administrative reset is refused within the password's minimum age (OpenLDAP ppolicy applies
   * pwdMinAge to a Password Modify by the service account; AD applies minPwdAge to changes, not to resets).
   */
  readonly resetsHonourMinimumAge: boolean;
}
