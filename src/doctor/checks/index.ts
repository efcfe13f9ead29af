import type { DoctorCheck } from '../doctor-check.js';
import { licenseAssignedCheck, ssprEnabledCheck } from './scope-checks.js';
import { agentConnectedCheck, agentNetworkCheck, writebackEnabledCheck } from './writeback-checks.js';
import {
  accountStateCheck,
  directoryPermissionsCheck,
  directoryReachableCheck,
  passwordPolicyCheck,
  protectedAccountCheck,
  userLinkedCheck,
} from './directory-checks.js';
import { adminPolicyCheck, methodDataValidCheck, methodsRegisteredCheck, registrationCurrentCheck } from './method-checks.js';
import { unsupportedOperationCheck } from './audit-checks.js';
import { throttledCheck } from './throttle-check.js';
import { mailServerReachableCheck } from './mail-server-check.js';
import { agentFeaturesCheck } from './agent-features-check.js';

/** Every doctor check, once, in catalogue order (failure-catalog.md; the order of `checkIds`). */
export const doctorChecks: readonly DoctorCheck[] = [
  ssprEnabledCheck,
  licenseAssignedCheck,
  writebackEnabledCheck,
  agentConnectedCheck,
  agentNetworkCheck,
  agentFeaturesCheck,
  directoryReachableCheck,
  directoryPermissionsCheck,
  userLinkedCheck,
  methodsRegisteredCheck,
  methodDataValidCheck,
  mailServerReachableCheck,
  registrationCurrentCheck,
  adminPolicyCheck,
  protectedAccountCheck,
  unsupportedOperationCheck,
  accountStateCheck,
  passwordPolicyCheck,
  throttledCheck,
];
