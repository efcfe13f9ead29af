/** The directory reader for the `directory` config section; `kind` selects the connector. */
import { adConfigSchema } from '../directory/ad/ad-config.js';
import { ldapConfigSchema } from '../directory/ldap/ldap-config.js';
import { adDirectoryReader, ldapDirectoryReader, type DirectoryReader } from './directory-reader.js';

export type DirectoryKind = 'ldap' | 'ad';

/** Validates the section (throws on a bad one) and names its kind. */
export function directoryKind(directory: Record<string, unknown>): DirectoryKind {
  const { kind, ...section } = directory;
  if (kind === 'ad') adConfigSchema.parse(section);
  else if (kind === 'ldap') ldapConfigSchema.parse(section);
  else throw new Error(`directory.kind: expected "ldap" or "ad", got ${JSON.stringify(kind)}`);
  return kind;
}

export function directoryReaderFor(directory: Record<string, unknown>): DirectoryReader {
  const { kind, ...section } = directory;
  if (kind === 'ad') return adDirectoryReader(adConfigSchema.parse(section));
  if (kind === 'ldap') return ldapDirectoryReader(ldapConfigSchema.parse(section));
  throw new Error(`directory.kind: expected "ldap" or "ad", got ${JSON.stringify(kind)}`);
}
