import type { DirectoryKindModule } from '../directory-kind.js';
import type { AdSection } from './ad-config.js';
import { AdDirectory } from './ad-directory.js';
import { adDirectoryReader } from './ad-directory-reader.js';
import { policyHintsOid } from './ad-policy-hints.js';

/** Active Directory and Samba AD. */
export const adKind: DirectoryKindModule<AdSection> = {
  connector: (section) => new AdDirectory(section),
  reader: adDirectoryReader,
  policyHints: (probe) => policyHintsOid(probe.supportedControls) !== null,
  resetsHonourMinimumAge: false,
};
