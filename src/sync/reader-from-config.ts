/** The directory reader for a `directory` config section; `kind` selects the connector. */
import { adConfigSchema } from '../directory/ad/ad-config.js';
import { ldapConfigSchema } from '../directory/ldap/ldap-config.js';
import { adDirectoryReader, ldapDirectoryReader, type DirectoryReader } from './directory-reader.js';

export type DirectoryKind = 'ldap' | 'ad';

/** A section's kind and a reader for it (the section is parsed once; a bad one throws). */
export function directorySource(directory: Record<string, unknown>): { kind: DirectoryKind; reader: DirectoryReader } {
  const { kind, ...section } = directory;
  if (kind === 'ad') return { kind, reader: adDirectoryReader(adConfigSchema.parse(section)) };
  if (kind === 'ldap') return { kind, reader: ldapDirectoryReader(ldapConfigSchema.parse(section)) };
  throw new Error(`directory.kind: expected "ldap" or "ad", got ${JSON.stringify(kind)}`);
}
