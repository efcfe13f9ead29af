import type { z } from 'zod';
import type { DirectoryUser } from '../directory/directory.js';
import type { FlowRecord, FlowsRepository, OfferedMethod, Registration, RegistrationsRepository } from './records.js';
import type { ChallengesRepository } from '../store/challenges-repository.js';
import type { PolicyStore } from '../policy/policy-store.js';
import type { Clock } from '../store/clock.js';
import type { MailDispatch, SmsDispatch } from '../delivery/background-delivery.js';
import type { Lang } from '../i18n/lang.js';
import type { MethodHint } from './hints.js';
import type { OneTimeCodes } from './one-time-code.js';
import type { PasskeyService } from './passkey/passkey-service.js';
import type { EnrolmentCodeLimits } from './enrolment-code-limits.js';
import type { MethodType } from './index.js';

export type { MethodType };

export interface MethodRequest {
  lang: Lang;
  ip: string;
  userAgent: string;
}

/** What `begin` tells the person beyond the offered method's hint: how long the challenge holds, what to answer. */
export interface Challenge {
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
export interface VerificationMethod<T extends string = string> {
  readonly type: T;
  hint(user: DirectoryUser, registration: Registration | null): MethodHint;
  begin(ctx: MethodContext): Promise<Challenge>;
  verify(ctx: MethodContext, input: VerifyInput): Promise<void>;
}

/** The service parts a method module may build on; a module takes what it needs. */
export interface MethodParts {
  flows: FlowsRepository;
  registrations: RegistrationsRepository;
  challenges: ChallengesRepository;
  policy: PolicyStore;
  clock: Clock;
  codes: OneTimeCodes;
  mail: MailDispatch;
  /** Null without an SMS gateway. */
  sms: SmsDispatch | null;
  /** Null when the public URL cannot be a WebAuthn relying party. */
  passkeys: PasskeyService | null;
  organisation: string;
  recoveryKey: Buffer;
}

/** The parts an enrolment needs beyond a method's: the limits on codes sent to typed targets, the phone region. */
export interface EnrolmentParts extends MethodParts {
  limits: EnrolmentCodeLimits;
  defaultCountry: string;
}

/** How long a pending enrolment (a TOTP secret, a WebAuthn challenge) waits for its confirmation. */
export const ENROLMENT_TTL_MS = 10 * 60_000;

/** What one enrolment step sees: who enrols, the request, and the key of their pending challenge. */
export interface EnrolmentContext {
  user: DirectoryUser;
  request: MethodRequest;
  /** One pending challenge per user and method type ("enrol:<user>:<type>"). */
  pendingKey: string;
}

/**
 * What a step yields: data to register once possession is proven (replacing the user's earlier registrations
 * of this type when `replace`), and what the person is shown (a masked target, a QR code, WebAuthn options,
 * recovery codes).
 */
export interface EnrolmentStep<D> {
  register?: D;
  replace?: boolean;
  show?: object;
}

/**
 * The enrolment side of a method: `begin` (send a code, make a secret or WebAuthn options — or register at once,
 * like questions and recovery codes) and, for a proof of possession, `confirm`. Inputs are the request body or
 * the form's fields; each step parses them with its own schema.
 */
export interface Enrolment<D> {
  begin(ctx: EnrolmentContext, input: unknown): Promise<EnrolmentStep<D>>;
  confirm?(ctx: EnrolmentContext, input: unknown): Promise<EnrolmentStep<D>>;
}

/**
 * A verification method as one module: its type, the schema of what a registration stores (every read and
 * every write is parsed with it), the label pages and the API show for a registration, the reset-side method
 * and the enrolment built from the service's parts (null when this service cannot offer it). Listed once in
 * `methods/index.ts`.
 */
export interface MethodModule<T extends string = string, S extends z.ZodType = z.ZodType> {
  readonly type: T;
  /** What a registration stores: its input is what may be written, its output what a reader gets. */
  readonly data: S;
  label(data: z.output<S>): string;
  create(parts: MethodParts): VerificationMethod<NoInfer<T>> | null;
  enrol(parts: EnrolmentParts): Enrolment<z.input<S>> | null;
  /** The bodies the enrolment steps parse (the same schemas), for the API's description. */
  readonly enrolmentInputs?: { begin?: z.ZodType; confirm?: z.ZodType };
}

/** Declares a module, keeping its type literal and its data schema for the list in `methods/index.ts`. */
export function defineMethod<T extends string, S extends z.ZodType>(module: MethodModule<T, S>): MethodModule<T, S> {
  return module;
}
