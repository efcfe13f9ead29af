import { Control, type BerWriter } from 'ldapts';

/**
 * LDAP_SERVER_POLICY_HINTS (MS-ADTS 3.1.1.3.4.1.38, OID 1.2.840.113556.1.4.2239; Windows Server 2008 R2 era
 * DCs advertise the deprecated ...2066 instead). With it an administrative reset of unicodePwd is checked
 * against password *history* too (without it AD only applies length/complexity/age to resets).
 * Value: SEQUENCE { Flags INTEGER 1 } = 30 03 02 01 01.
 * Send it only when the rootDSE advertises it: Samba 4.17 answers an unknown critical control with 12.
 */
export const POLICY_HINTS_OID = '1.2.840.113556.1.4.2239';
export const POLICY_HINTS_DEPRECATED_OID = '1.2.840.113556.1.4.2066';

const POLICY_HINTS_VALUE = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]);
const BER_OCTET_STRING = 0x04;

export class PolicyHintsControl extends Control {
  constructor(oid: string) {
    super(oid, { critical: true });
  }

  protected override writeControl(writer: BerWriter): void {
    writer.writeBuffer(POLICY_HINTS_VALUE, BER_OCTET_STRING);
  }
}

/** The hints OID this DC supports (preferring the current one), or null when it advertises neither. */
export function policyHintsOid(supportedControls: readonly string[]): string | null {
  if (supportedControls.includes(POLICY_HINTS_OID)) return POLICY_HINTS_OID;
  if (supportedControls.includes(POLICY_HINTS_DEPRECATED_OID)) return POLICY_HINTS_DEPRECATED_OID;
  return null;
}
