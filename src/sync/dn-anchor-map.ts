/**
 * DN → anchor resolution for group members. DNs are compared by a normalised key: RFC 4514 string forms of one
 * DN may differ in the case of attribute types and (for case-insensitive attributes, which is what cn/uid/ou/dc
 * are) values, and in spaces around separators. Escaped separators (`\,`) are kept as they are.
 */

/** The comparison key of a DN: lower case, no spaces around unescaped `,` `+` `=`. */
export function dnKey(dn: string): string {
  // Most DNs have no white space at all; the regular expression is only needed when they do.
  if (!/\s/.test(dn)) return dn.toLowerCase();
  return dn
    .toLowerCase()
    .replace(/\s*(?<!\\)([,+=])\s*/g, '$1')
    .trim();
}

/** Anchors of the entries seen in this run, by DN. */
export class DnAnchorMap {
  private readonly byKey = new Map<string, string>();

  remember(dn: string, anchor: string): void {
    this.byKey.set(dnKey(dn), anchor);
  }

  get(dn: string): string | undefined {
    return this.byKey.get(dnKey(dn));
  }

  has(dn: string): boolean {
    return this.byKey.has(dnKey(dn));
  }
}

/**
 * The anchors of `memberDns`, in order, without duplicates. DNs not seen in this run are looked up in `stored`
 * (incremental runs: members stored by earlier runs, keyed by dnKey); DNs nobody knows (outside the synced
 * subtree) are dropped.
 */
export function resolveMemberAnchors(memberDns: readonly string[], seen: DnAnchorMap, stored: ReadonlyMap<string, string> | null): string[] {
  const anchors = new Set<string>();
  for (const dn of memberDns) {
    const anchor = seen.get(dn) ?? stored?.get(dnKey(dn));
    if (anchor) anchors.add(anchor);
  }
  return [...anchors];
}
