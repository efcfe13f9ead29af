import { z } from 'zod';
import { PasskeyError } from './passkey-error.js';

/**
 * Shapes of the JSON the browser posts back (WebAuthn L3 `PublicKeyCredential.toJSON()`, as produced by
 * passkey-client.ts). Untrusted input is checked here before any of it reaches the WebAuthn library, with
 * size caps so a hostile body cannot make us decode megabytes.
 */

/** Unpadded base64url, as WebAuthn's JSON forms use. */
const base64url = (maxChars: number) =>
  z
    .string()
    .min(1)
    .max(maxChars)
    .regex(/^[A-Za-z0-9_-]+$/);

/** Credential IDs are at most 1023 bytes (WebAuthn §5.8.3) → 1364 base64url characters. */
const credentialId = base64url(1364);

export const KNOWN_TRANSPORTS = ['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'] as const;
export type PasskeyTransport = (typeof KNOWN_TRANSPORTS)[number];

const credentialEnvelope = {
  id: credentialId,
  rawId: credentialId,
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).nullish(),
  clientExtensionResults: z.record(z.string(), z.unknown()).optional(),
};

export const registrationResponseSchema = z.object({
  ...credentialEnvelope,
  response: z.object({
    clientDataJSON: base64url(8_192),
    attestationObject: base64url(65_536),
    authenticatorData: base64url(65_536).optional(),
    transports: z.array(z.string().max(32)).max(16).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: base64url(8_192).optional(),
  }),
});

export const authenticationResponseSchema = z.object({
  ...credentialEnvelope,
  response: z.object({
    clientDataJSON: base64url(8_192),
    authenticatorData: base64url(8_192),
    signature: base64url(8_192),
    userHandle: base64url(128).nullish(),
  }),
});

/** The part of clientDataJSON we check ourselves before the library does the rest. */
export const clientDataSchema = z.object({
  type: z.string(),
  challenge: z.string(),
  origin: z.string(),
});

export type RegistrationResponse = z.infer<typeof registrationResponseSchema>;
export type AuthenticationResponse = z.infer<typeof authenticationResponseSchema>;
export type ClientData = z.infer<typeof clientDataSchema>;

/** Parses `input` with `schema` or throws PasskeyError('malformed') naming the first bad field. */
export function parseOrRefuse<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new PasskeyError('malformed', issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : undefined);
}

/** Decodes the base64url clientDataJSON; malformed if it is not JSON of the expected shape. */
export function decodeClientData(clientDataJSON: string): ClientData {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8'));
  } catch {
    throw new PasskeyError('malformed', 'clientDataJSON is not JSON');
  }
  return parseOrRefuse(clientDataSchema, json);
}

/** Keeps the transports browsers may use as hints; unknown strings are dropped. */
export function knownTransports(transports: readonly string[] | undefined): PasskeyTransport[] {
  return (transports ?? []).filter((t): t is PasskeyTransport => (KNOWN_TRANSPORTS as readonly string[]).includes(t));
}
