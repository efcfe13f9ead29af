/**
 * The store's records typed by this service's methods: the store keeps method types and data without knowing
 * them (it imports nothing from features); features read and write them through these names.
 */
import type { FlowRecord as StoredFlow, FlowsRepository as StoredFlows, OfferedMethod as StoredOffer } from '../store/flows-repository.js';
import type { Registration as StoredRegistration, RegistrationsRepository as StoredRegistrations } from '../store/registrations-repository.js';
import type { MethodType, RegistrationData } from './index.js';
import type { MethodHint } from './hints.js';

/** Each method type's stored data. */
export type RegistrationDataByType = { [T in MethodType]: RegistrationData<T> };

// Interfaces where the method modules' own types mention them: MethodType is derived from those modules, and an
// interface's members are resolved lazily where an alias's type arguments are not.
export interface Registration<D = Record<string, unknown>> extends StoredRegistration<D> {
  type: MethodType;
}
export type RegistrationsRepository = StoredRegistrations<RegistrationDataByType>;

export interface OfferedMethod extends StoredOffer<MethodType, MethodHint> {
  type: MethodType;
}
export interface FlowRecord extends StoredFlow<MethodType, MethodHint> {
  methods: OfferedMethod[];
}
export type FlowsRepository = StoredFlows<MethodType, MethodHint>;
