import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { PasskeyError } from './passkey-error.js';
import {
  authenticationResponseSchema,
  decodeClientData,
  knownTransports,
  parseOrRefuse,
  registrationResponseSchema,
  type ClientData,
  type PasskeyTransport,
} from './passkey-response-schema.js';

type WebAuthnLibrary = typeof import('@simplewebauthn/server') & typeof import('@simplewebauthn/server/helpers');
let webAuthnLibrary: Promise<WebAuthnLibrary> | undefined;

/**
 * The WebAuthn library (with its ASN.1 and X.509 dependencies, ≈ 4.5 MB of heap), loaded on the first ceremony:
 * a server whose users never use passkeys, or where they are off, never holds it.
 */
function webAuthn(): Promise<WebAuthnLibrary> {
  webAuthnLibrary ??= Promise.all([import('@simplewebauthn/server'), import('@simplewebauthn/server/helpers')]).then(([server, helpers]) => ({ ...server, ...helpers }));
  return webAuthnLibrary;
}

/** A registered passkey as the store keeps it. Binary values are unpadded base64url. */
export interface StoredPasskey {
  credentialId: string;
  /** COSE-encoded public key. */
  publicKey: string;
  /** Last signature counter seen; 0 for authenticators that do not count (most synced passkeys). */
  counter: number;
  transports: PasskeyTransport[];
  /** Milliseconds since the epoch. */
  createdAt: number;
}

export interface PasskeyUser {
  /** Opaque, stable, 1–64 bytes UTF-8; becomes the WebAuthn user handle, so no e-mail or name in it. */
  id: string;
  username: string;
  displayName: string;
}

export interface IssuedOptions<T> {
  /** Send to the browser as JSON. */
  options: T;
  /** Keep server-side (e.g. in the flow record) and pass to verify…; use it at most once. */
  challenge: string;
}

export interface AuthenticationResult {
  ok: true;
  /** Store this on the passkey to detect cloned authenticators next time. */
  newCounter: number;
  /** Whether the authenticator verified the person (PIN, biometrics), not just their presence. */
  userVerified: boolean;
}

export interface PasskeyServiceOptions {
  rpName: string;
  /** Registrable domain of the service, e.g. "sspr.example.org" or "localhost". */
  rpId: string;
  /** Exact web origin the pages are served from, e.g. "https://sspr.example.org". */
  origin: string;
  clock?: { now(): number };
  /** How long the browser lets the person take; a hint to the browser only. */
  timeoutMs?: number;
}

/**
 * Passkey (WebAuthn) registration and authentication around @simplewebauthn/server. Stateless: the caller
 * keeps the issued challenge server-side and hands it back with the response. Because many passkeys
 * always report counter 0, replay protection rests on the caller consuming each challenge exactly once
 * (delete it before verifying, whatever the outcome); the counter check is a second line.
 *
 * User verification is 'preferred' (not required), matching the options we send; the result says whether
 * it happened so a policy can demand it. Attestation is 'none': we do not vet authenticator models.
 *
 * Every refusal throws PasskeyError with a reason; malformed input never reaches the library unchecked.
 */
export class PasskeyService {
  private readonly rpName: string;
  private readonly rpId: string;
  private readonly origin: string;
  private readonly clock: { now(): number };
  private readonly timeoutMs: number;

  constructor(options: PasskeyServiceOptions) {
    this.rpName = options.rpName;
    this.rpId = options.rpId;
    this.origin = options.origin;
    this.clock = options.clock ?? { now: () => Date.now() };
    this.timeoutMs = options.timeoutMs ?? 120_000;
  }

  /** Options for navigator.credentials.create(); `existing` passkeys are excluded so none is registered twice. */
  async registrationOptions(user: PasskeyUser, existing: readonly StoredPasskey[]): Promise<IssuedOptions<PublicKeyCredentialCreationOptionsJSON>> {
    const userID = new TextEncoder().encode(user.id);
    if (userID.length < 1 || userID.length > 64) throw new RangeError('passkey user id must be 1–64 bytes');
    const { generateRegistrationOptions } = await webAuthn();
    const options = await generateRegistrationOptions({
      rpName: this.rpName,
      rpID: this.rpId,
      userID,
      userName: user.username,
      userDisplayName: user.displayName,
      timeout: this.timeoutMs,
      attestationType: 'none',
      excludeCredentials: existing.map((passkey) => ({ id: passkey.credentialId, transports: passkey.transports })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
    return { options, challenge: options.challenge };
  }

  /** Checks a navigator.credentials.create() response; returns the passkey to store. */
  async verifyRegistration(response: unknown, expectedChallenge: string): Promise<StoredPasskey> {
    const parsed = parseOrRefuse(registrationResponseSchema, response);
    this.checkClientData(decodeClientData(parsed.response.clientDataJSON), 'webauthn.create', expectedChallenge);

    const libraryResponse: RegistrationResponseJSON = {
      id: parsed.id,
      rawId: parsed.rawId,
      type: parsed.type,
      authenticatorAttachment: parsed.authenticatorAttachment ?? undefined,
      clientExtensionResults: {},
      response: { ...parsed.response, transports: knownTransports(parsed.response.transports) },
    };
    const { verifyRegistrationResponse, isoBase64URL } = await webAuthn();
    const verification = await refuseOnThrow(() =>
      verifyRegistrationResponse({
        response: libraryResponse,
        expectedChallenge,
        expectedOrigin: this.origin,
        expectedRPID: this.rpId,
        requireUserVerification: false,
      }),
    );
    if (!verification.verified) throw new PasskeyError('not-verified', 'registration not verified');

    const { credential } = verification.registrationInfo;
    return {
      credentialId: credential.id,
      publicKey: isoBase64URL.fromBuffer(credential.publicKey),
      counter: credential.counter,
      transports: knownTransports(credential.transports),
      createdAt: this.clock.now(),
    };
  }

  /** Options for navigator.credentials.get(), limited to the given passkeys (the user's). */
  async authenticationOptions(allowed: readonly StoredPasskey[]): Promise<IssuedOptions<PublicKeyCredentialRequestOptionsJSON>> {
    const { generateAuthenticationOptions } = await webAuthn();
    const options = await generateAuthenticationOptions({
      rpID: this.rpId,
      timeout: this.timeoutMs,
      userVerification: 'preferred',
      allowCredentials: allowed.map((passkey) => ({ id: passkey.credentialId, transports: passkey.transports })),
    });
    return { options, challenge: options.challenge };
  }

  /**
   * The credential ID a navigator.credentials.get() response names, so the caller can find the stored
   * passkey to verify against. Throws PasskeyError('malformed') for anything that is not such a response.
   */
  credentialIdOf(response: unknown): string {
    return parseOrRefuse(authenticationResponseSchema, response).id;
  }

  /** Checks a navigator.credentials.get() response against the stored passkey it names. */
  async verifyAuthentication(response: unknown, expectedChallenge: string, stored: StoredPasskey): Promise<AuthenticationResult> {
    const parsed = parseOrRefuse(authenticationResponseSchema, response);
    this.checkClientData(decodeClientData(parsed.response.clientDataJSON), 'webauthn.get', expectedChallenge);
    if (parsed.id !== stored.credentialId) throw new PasskeyError('unknown-credential');

    const library = await webAuthn();
    const counter = signatureCounterOf(library, parsed.response.authenticatorData);
    // Same rule as the library, checked here to report it by name: a counting authenticator must count up.
    if ((counter > 0 || stored.counter > 0) && counter <= stored.counter) {
      throw new PasskeyError('counter-replay', `counter ${counter}, stored ${stored.counter}`);
    }

    const libraryResponse: AuthenticationResponseJSON = {
      id: parsed.id,
      rawId: parsed.rawId,
      type: parsed.type,
      authenticatorAttachment: parsed.authenticatorAttachment ?? undefined,
      clientExtensionResults: {},
      response: { ...parsed.response, userHandle: parsed.response.userHandle ?? undefined },
    };
    const verification = await refuseOnThrow(() =>
      library.verifyAuthenticationResponse({
        response: libraryResponse,
        expectedChallenge,
        expectedOrigin: this.origin,
        expectedRPID: this.rpId,
        credential: { id: stored.credentialId, publicKey: decodeStoredKey(stored.publicKey), counter: stored.counter, transports: stored.transports },
        requireUserVerification: false,
      }),
    );
    if (!verification.verified) throw new PasskeyError('not-verified', 'signature not verified');
    return { ok: true, newCounter: verification.authenticationInfo.newCounter, userVerified: verification.authenticationInfo.userVerified };
  }

  /** Ceremony type, challenge and origin, checked by us so each refusal has a precise reason. */
  private checkClientData(clientData: ClientData, ceremony: 'webauthn.create' | 'webauthn.get', expectedChallenge: string): void {
    if (clientData.type !== ceremony) throw new PasskeyError('wrong-ceremony', `${clientData.type}, expected ${ceremony}`);
    if (!expectedChallenge || clientData.challenge !== expectedChallenge) throw new PasskeyError('challenge-mismatch');
    if (clientData.origin !== this.origin) throw new PasskeyError('origin-mismatch', clientData.origin);
  }
}

function signatureCounterOf({ parseAuthenticatorData, isoBase64URL }: WebAuthnLibrary, authenticatorData: string): number {
  try {
    return parseAuthenticatorData(isoBase64URL.toBuffer(authenticatorData)).counter;
  } catch (error) {
    throw new PasskeyError('malformed', 'authenticatorData cannot be parsed', { cause: error });
  }
}

function decodeStoredKey(publicKey: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(publicKey, 'base64url'));
}

/** The library throws plain Errors for every refusal (and for undecodable CBOR); make them PasskeyErrors. */
async function refuseOnThrow<T>(verify: () => Promise<T>): Promise<T> {
  try {
    return await verify();
  } catch (error) {
    if (error instanceof PasskeyError) throw error;
    throw new PasskeyError('not-verified', error instanceof Error ? error.message : String(error), { cause: error });
  }
}
