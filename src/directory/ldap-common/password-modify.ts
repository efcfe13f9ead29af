/**
 * The LDAP Password Modify extended operation (RFC 3062). Request value:
 *   PasswdModifyRequestValue ::= SEQUENCE {
 *     userIdentity [0] OCTET STRING OPTIONAL, oldPasswd [1] OCTET STRING OPTIONAL, newPasswd [2] OCTET STRING OPTIONAL }
 * Without userIdentity the operation applies to the bound identity; without newPasswd the server generates one
 * (never used here). Strings are sent as UTF-8.
 */
import { BerWriter, type Client } from 'ldapts';

export const PASSWORD_MODIFY_OID = '1.3.6.1.4.1.4203.1.11.1';

export interface PasswordModifyRequest {
  userIdentity?: string;
  oldPassword?: string;
  newPassword: string;
}

/** BER encoding of the request value (context-specific primitive tags 0x80, 0x81, 0x82). */
export function encodePasswordModifyRequest(request: PasswordModifyRequest): Buffer {
  const writer = new BerWriter();
  writer.startSequence();
  if (request.userIdentity !== undefined) writer.writeString(request.userIdentity, 0x80);
  if (request.oldPassword !== undefined) writer.writeString(request.oldPassword, 0x81);
  writer.writeString(request.newPassword, 0x82);
  writer.endSequence();
  return writer.buffer;
}

/** Runs the extended operation on a bound client; LDAP refusals surface as ldapts ResultCodeErrors. */
export async function passwordModify(client: Client, request: PasswordModifyRequest): Promise<void> {
  await client.exop(PASSWORD_MODIFY_OID, encodePasswordModifyRequest(request));
}
