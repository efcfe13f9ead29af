import type { DirectoryUser } from '../directory/directory.js';
import type { FlowRecord, OfferedMethod } from '../store/flows-repository.js';
import type { Lang } from '../i18n/lang.js';

export type MethodType = OfferedMethod['type'];

export interface MethodRequest {
  lang: Lang;
  ip: string;
  userAgent: string;
}

/** What `begin` tells the person: where the challenge went and how long it holds. */
export interface Challenge {
  hint: string;
  expiresInSeconds: number;
}

/**
 * One verification method (email code now; SMS, TOTP, questions, passkeys later), in the shape of
 * SimpleWebAuthn's generate…Options / verify…Response pair:
 * - `offer` says whether the user can use it and with which masked hint;
 * - `begin` issues a challenge (sends a code) — for a decoy flow (`user` null) it does the same work and
 *   sends nothing;
 * - `verify` checks the response and resolves, or throws an SsprError saying what was wrong.
 */
export interface VerificationMethod {
  readonly type: MethodType;
  offer(user: DirectoryUser): { hint: string } | null;
  begin(flow: FlowRecord, method: OfferedMethod, user: DirectoryUser | null, request: MethodRequest): Promise<Challenge>;
  verify(flow: FlowRecord, method: OfferedMethod, response: string): Promise<void>;
}
