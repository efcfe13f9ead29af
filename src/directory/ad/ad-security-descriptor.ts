import { Control, type BerWriter } from 'ldapts';
import { guidToUuid, sidToString } from './ad-values.js';

/**
 * Reading an object's DACL and evaluating control access rights for one token (MS-DTYP 2.4.6 self-relative
 * SECURITY_DESCRIPTOR, 2.4.5 ACL, 2.4.4 ACEs; MS-ADTS 5.1.3.3 access checks on extended rights).
 */

/** LDAP_SERVER_SD_FLAGS (MS-ADTS 3.1.1.3.4.1.11): ask for the DACL only, which READ_CONTROL suffices for. */
export const SD_FLAGS_OID = '1.2.840.113556.1.4.801';
const DACL_SECURITY_INFORMATION = 0x4;

export class SdFlagsControl extends Control {
  constructor() {
    super(SD_FLAGS_OID, { critical: true });
  }

  protected override writeControl(writer: BerWriter): void {
    // SEQUENCE { Flags INTEGER 4 } as the control value.
    writer.writeBuffer(Buffer.from([0x30, 0x03, 0x02, 0x01, DACL_SECURITY_INFORMATION]), 0x04);
  }
}

/** Extended rights (MS-ADTS 5.1.3.2.1) by rightsGuid. */
export const EXTENDED_RIGHTS = {
  resetPassword: '00299570-246d-11d0-a768-00aa006e0529',
  changePassword: 'ab721a53-1e2f-11d0-9819-00aa0040529b',
  unexpirePassword: 'ccc2dc7d-a6ad-4a7a-8846-c04e3cc53501',
} as const;

const ACCESS_ALLOWED = 0x00;
const ACCESS_DENIED = 0x01;
const ACCESS_ALLOWED_OBJECT = 0x05;
const ACCESS_DENIED_OBJECT = 0x06;
const INHERIT_ONLY_ACE = 0x08;
const ACE_OBJECT_TYPE_PRESENT = 0x1;
const ACE_INHERITED_OBJECT_TYPE_PRESENT = 0x2;
const ADS_RIGHT_DS_CONTROL_ACCESS = 0x100;
const GENERIC_ALL = 0x10000000;
/** SE_DACL_PROTECTED: the object does not inherit ACEs from its parent ("inheritance disabled"). */
const SE_DACL_PROTECTED = 0x1000;

export interface Ace {
  type: number;
  flags: number;
  mask: number;
  objectType: string | null;
  sid: string;
}

export interface Dacl {
  /** Inheritance disabled on the object. */
  protected: boolean;
  aces: Ace[];
}

/** Parses a self-relative security descriptor; null when it carries no DACL. Throws on malformed input. */
export function parseDacl(sd: Buffer): Dacl | null {
  const control = sd.readUInt16LE(2);
  const daclOffset = sd.readUInt32LE(16);
  if (daclOffset === 0) return null;
  const aceCount = sd.readUInt16LE(daclOffset + 4);
  const aces: Ace[] = [];
  let at = daclOffset + 8;
  for (let i = 0; i < aceCount; i++) {
    const type = sd.readUInt8(at);
    const flags = sd.readUInt8(at + 1);
    const size = sd.readUInt16LE(at + 2);
    const mask = sd.readUInt32LE(at + 4);
    let objectType: string | null = null;
    let sidAt = at + 8;
    if (type === ACCESS_ALLOWED_OBJECT || type === ACCESS_DENIED_OBJECT) {
      const objectFlags = sd.readUInt32LE(at + 8);
      sidAt = at + 12;
      if (objectFlags & ACE_OBJECT_TYPE_PRESENT) {
        objectType = guidToUuid(sd.subarray(sidAt, sidAt + 16));
        sidAt += 16;
      }
      if (objectFlags & ACE_INHERITED_OBJECT_TYPE_PRESENT) sidAt += 16;
    }
    if (type <= ACCESS_DENIED || type === ACCESS_ALLOWED_OBJECT || type === ACCESS_DENIED_OBJECT) {
      aces.push({ type, flags, mask, objectType, sid: sidToString(sd.subarray(sidAt, at + size)) });
    }
    at += size;
  }
  return { protected: (control & SE_DACL_PROTECTED) !== 0, aces };
}

/**
 * Whether the token holds the control access right `rightGuid` on the object: the first ACE (in DACL order) that
 * applies to one of the token's SIDs and covers the right decides; none → not granted (MS-DTYP 2.5.3.2).
 * An ACE covers it with CONTROL_ACCESS and either no object type (all extended rights) or this right's GUID.
 */
export function hasControlAccess(dacl: Dacl, tokenSids: ReadonlySet<string>, rightGuid: string): boolean {
  for (const ace of dacl.aces) {
    if (ace.flags & INHERIT_ONLY_ACE || !tokenSids.has(ace.sid)) continue;
    const covers = (ace.mask & (ADS_RIGHT_DS_CONTROL_ACCESS | GENERIC_ALL)) !== 0 && (ace.objectType === null || ace.objectType === rightGuid.toLowerCase());
    if (!covers) continue;
    return ace.type === ACCESS_ALLOWED || ace.type === ACCESS_ALLOWED_OBJECT;
  }
  return false;
}

/** Well-known SIDs every authenticated token carries (MS-DTYP 2.4.2.4): Everyone, Authenticated Users. */
export const IMPLICIT_TOKEN_SIDS = ['S-1-1-0', 'S-1-5-11'] as const;

/** tokenGroups values (binary SIDs) as strings. */
export function sidsOf(values: Buffer[]): string[] {
  return values.filter((v) => v.length >= 8).map(sidToString);
}
