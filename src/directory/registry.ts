/**
 * The directory kinds, listed once: the `directory` config section is their discriminated union (parsed once at
 * start-up, typed), and every act that depends on the kind looks its module up here. A new kind is one folder
 * (`directory/<kind>/`: section schema, connector, reader, `<kind>-kind.ts`) plus its entry in `kinds` and in
 * `directorySectionSchema`.
 */
import { z } from 'zod';
import { listedNames } from '../config/listed-names.js';
import type { DirectoryReader } from '../sync/directory-reader.js';
import type { DirectoryKindModule } from './directory-kind.js';
import type { DirectoryProbe, OnPremDirectory } from './onprem/onprem-directory.js';
import { adSectionSchema } from './ad/ad-config.js';
import { adKind } from './ad/ad-kind.js';
import { ldapSectionSchema } from './ldap/ldap-config.js';
import { ldapKind } from './ldap/ldap-kind.js';

/** `{"kind": "ldap", …}` or `{"kind": "ad", …}`: the server's and the agent's `directory` section. */
export const directorySectionSchema = z.discriminatedUnion('kind', [ldapSectionSchema, adSectionSchema]);

export type DirectorySection = z.output<typeof directorySectionSchema>;
export type DirectoryKind = DirectorySection['kind'];
type SectionOf<K extends DirectoryKind> = Extract<DirectorySection, { kind: K }>;

const kinds: { [K in DirectoryKind]: DirectoryKindModule<SectionOf<K>> } = {
  ldap: ldapKind,
  ad: adKind,
};

/** Every kind's name, in list order (for request and protocol schemas). */
export const directoryKinds = listedNames(kinds);

/** The module of a section's kind. */
function moduleFor<K extends DirectoryKind>(section: SectionOf<K>): DirectoryKindModule<SectionOf<K>> {
  const kind: K = section.kind;
  return kinds[kind];
}

/** The connector for one parsed section; used by the server (direct mode) and the agent. */
export function onPremDirectoryFor(section: DirectorySection): OnPremDirectory {
  return moduleFor(section).connector(section);
}

/** The connector the config's `directory` section names, or null when there is none. */
export function onPremDirectoryFrom(config: { directory?: DirectorySection | undefined }): OnPremDirectory | null {
  return config.directory ? onPremDirectoryFor(config.directory) : null;
}

/** A section's kind and a sync reader for it. */
export function directorySource(section: DirectorySection): { kind: DirectoryKind; reader: DirectoryReader } {
  return { kind: section.kind, reader: moduleFor(section).reader(section) };
}

/** Whether a probe of a directory of this kind shows the policy-hints control (null: not applicable to the kind). */
export function policyHintsOf(kind: DirectoryKind, probe: DirectoryProbe): boolean | null {
  return kinds[kind].policyHints(probe);
}

/** Whether the kind refuses an administrative reset within the password's minimum age (the doctor's password-policy check). */
export function resetsHonourMinimumAge(kind: DirectoryKind): boolean {
  return kinds[kind].resetsHonourMinimumAge;
}

/** True for the name of a listed kind. */
export function isDirectoryKind(value: string): value is DirectoryKind {
  return Object.hasOwn(kinds, value);
}
