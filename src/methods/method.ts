import type { DirectoryUser } from '../directory/directory.js';
import type { FlowRecord, OfferedMethod } from '../store/flows-repository.js';
import type { Registration } from '../store/registrations-repository.js';
import type { Lang } from '../i18n/lang.js';
import type { MethodType } from '../policy/sspr-policy.js';

export type { MethodType };

export interface MethodRequest {
  lang: Lang;
  ip: string;
  userAgent: string;
}

/** What `begin` tells the person: where the challenge went, how long it holds, what to answer. */
export interface Challenge {
  hint: string;
  expiresInSeconds?: number;
  /** Security questions drawn for this reset. */
  questions?: Array<{ id: string; text: string }>;
  /** WebAuthn request options for navigator.credentials.get. */
  passkeyOptions?: unknown;
}

/** The person's answer, whichever the method needs. */
export interface VerifyInput {
  code?: string;
  answers?: Array<{ questionId: string; answer: string }>;
  credential?: unknown;
}

/** Everything a method sees of one step: the flow, the offered method, and — unless a decoy — the user. */
export interface MethodContext {
  flow: FlowRecord;
  method: OfferedMethod;
  /** Null for a decoy flow: do the same work, deliver nothing, never verify. */
  user: DirectoryUser | null;
  registration: Registration | null;
  request: MethodRequest;
}

/**
 * One verification method, in the shape of SimpleWebAuthn's generate…Options / verify…Response pair:
 * `hint` masks the target for display, `begin` issues a challenge (sends a code, draws questions, makes
 * WebAuthn options), `verify` resolves or throws an SsprError saying what was wrong.
 */
export interface VerificationMethod {
  readonly type: MethodType;
  hint(user: DirectoryUser, registration: Registration | null, lang: Lang): string;
  begin(ctx: MethodContext): Promise<Challenge>;
  verify(ctx: MethodContext, input: VerifyInput): Promise<void>;
}
