import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

/**
 * A minimal software WebAuthn authenticator (ES256, "none" attestation) producing the same JSON a browser
 * posts, so PasskeyService can be tested without a browser. Overrides let tests forge bad responses.
 */
export interface CeremonyOverrides {
  type?: string;
  origin?: string;
  rpId?: string;
  userVerified?: boolean;
  counter?: number;
}

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

export class SoftAuthenticator {
  private readonly keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  readonly credentialId = randomBytes(16);
  /** Signature counter; stays 0 for `countsSignatures: false`, like most synced passkeys. */
  counter = 0;

  constructor(
    private readonly rpId: string,
    private readonly origin: string,
    private readonly countsSignatures = true,
  ) {}

  /** What navigator.credentials.create() would give, as WebAuthn JSON. */
  register(challenge: string, overrides: CeremonyOverrides = {}) {
    const clientDataJSON = this.clientData('webauthn.create', challenge, overrides);
    const authData = Buffer.concat([this.authDataHead(overrides, 0x40), Buffer.alloc(16), u16(this.credentialId.length), this.credentialId, this.coseKey()]);
    const attestationObject = isoCBOR.encode(new Map<string, Uint8Array | string | Map<string, never>>([['fmt', 'none'], ['attStmt', new Map<string, never>()], ['authData', new Uint8Array(authData)]]));
    return {
      id: b64url(this.credentialId),
      rawId: b64url(this.credentialId),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: { clientDataJSON: b64url(clientDataJSON), attestationObject: b64url(attestationObject), transports: ['internal', 'made-up'] },
    };
  }

  /** What navigator.credentials.get() would give, as WebAuthn JSON. */
  authenticate(challenge: string, overrides: CeremonyOverrides = {}) {
    if (this.countsSignatures) this.counter += 1;
    const clientDataJSON = this.clientData('webauthn.get', challenge, overrides);
    const authData = this.authDataHead(overrides, 0);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), this.keys.privateKey);
    return {
      id: b64url(this.credentialId),
      rawId: b64url(this.credentialId),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authData), signature: b64url(signature), userHandle: b64url(Buffer.from('user-1')) },
    };
  }

  private clientData(type: string, challenge: string, overrides: CeremonyOverrides): Buffer {
    return Buffer.from(JSON.stringify({ type: overrides.type ?? type, challenge, origin: overrides.origin ?? this.origin, crossOrigin: false }));
  }

  /** rpIdHash | flags (UP, UV unless told otherwise, plus `extraFlags`) | counter. */
  private authDataHead(overrides: CeremonyOverrides, extraFlags: number): Buffer {
    const flags = 0x01 | (overrides.userVerified === false ? 0 : 0x04) | extraFlags;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(overrides.counter ?? this.counter);
    return Buffer.concat([sha256(overrides.rpId ?? this.rpId), Buffer.from([flags]), counter]);
  }

  /** The credential public key as stored after registration (COSE, base64url), for seeding benchmarks. */
  publicKeyCose(): string {
    return b64url(this.coseKey());
  }

  private coseKey(): Buffer {
    const jwk = this.keys.publicKey.export({ format: 'jwk' });
    const coordinate = (value: string | undefined) => new Uint8Array(Buffer.from(value ?? '', 'base64url'));
    return Buffer.from(isoCBOR.encode(new Map<number, number | Uint8Array>([[1, 2], [3, -7], [-1, 1], [-2, coordinate(jwk.x)], [-3, coordinate(jwk.y)]])));
  }
}

function u16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(value);
  return buffer;
}
