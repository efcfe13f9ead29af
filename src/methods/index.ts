import type { z } from 'zod';
import type { Enrolment, EnrolmentParts, MethodModule, MethodParts, VerificationMethod } from './method.js';
import { emailMethod } from './email/email-method.js';
import { smsMethod } from './sms/sms-method.js';
import { totpMethod } from './totp/totp-method.js';
import { questionsMethod } from './questions/questions-method.js';
import { passkeyMethod } from './passkey/passkey-method.js';
import { recoveryCodesMethod } from './recovery-codes/recovery-codes-method.js';

/**
 * Every verification method, once, in the order pages and the policy list them. Method types, the policy's
 * method list, registration data types and the reset-side methods are derived from this list; a new method
 * is its folder plus one entry here.
 */
export const methodModules = [emailMethod, smsMethod, totpMethod, questionsMethod, passkeyMethod, recoveryCodesMethod] as const;

type Modules = typeof methodModules;
export type MethodType = Modules[number]['type'];
/** What may be stored for a registration of method `T` (read back, it is parsed with the module's schema). */
export type RegistrationData<T extends MethodType> = z.input<Extract<Modules[number], { type: T }>['data']>;

type TypesOf<M extends readonly unknown[]> = { -readonly [K in keyof M]: M[K] extends { type: infer T } ? T : never };
/** Every method type, in list order (the policy's default and its schema). */
export const methodTypes = methodModules.map((module) => module.type) as TypesOf<Modules>;

/** Modules by type; `label` is declared as a method, so each module fits with its data seen as `unknown`. */
const byType = new Map<string, MethodModule<MethodType>>(methodModules.map((module) => [module.type, module]));

function moduleOf(type: MethodType): MethodModule<MethodType> {
  const module = byType.get(type);
  if (!module) throw new Error(`unknown method type ${type}`);
  return module;
}

/** The label of a stored registration, its data parsed with its module's schema. */
export function registrationLabel(registration: { type: MethodType; data: unknown }): string {
  const module = moduleOf(registration.type);
  return module.label(module.data.parse(registration.data));
}

/** Data to be stored for a registration of `type`, checked against its module's schema (a mismatch throws). */
export function registrationDataOf(type: MethodType, data: unknown): RegistrationData<MethodType> {
  return moduleOf(type).data.parse(data) as RegistrationData<MethodType>;
}

/** The enrolments this service can offer, by type (SMS only with a gateway, passkeys only with an RP). */
export function createEnrolments(parts: EnrolmentParts): Map<MethodType, Enrolment<unknown>> {
  const enrolments = new Map<MethodType, Enrolment<unknown>>();
  for (const module of methodModules) {
    const enrolment = module.enrol(parts);
    if (enrolment) enrolments.set(module.type, enrolment);
  }
  return enrolments;
}

/** The reset-side methods this service can offer, by type (SMS only with a gateway, passkeys only with an RP). */
export function createMethods(parts: MethodParts): Map<MethodType, VerificationMethod> {
  const methods = new Map<MethodType, VerificationMethod>();
  for (const module of methodModules) {
    const method = module.create(parts);
    if (method) methods.set(module.type, method);
  }
  return methods;
}
