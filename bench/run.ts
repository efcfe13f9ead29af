/**
 * `npm run bench`: every benchmark in turn; each prints its own figures. `npm run bench -- NAME` runs one;
 * `vs-ltb` (the side-by-side kit against LTB, needs apt and several minutes) runs only when named.
 */
import { benchResetFlows } from './reset-flows.js';
import { benchMethodFlows } from './method-flows.js';
import { benchLdapResetLatency } from './ldap-reset-latency.js';
import { benchSync100k } from './sync-100k.js';
import { benchDoctor } from './doctor.js';
import { benchAgentWriteback } from './agent-writeback.js';
import { benchRefusalTiming } from './refusal-timing.js';
import { benchCheckFlood } from './check-flood.js';
import { benchVsLtb } from './vs-ltb.js';
import { benchConsole } from './console.js';
import { benchStrengthEstimate } from './strength-estimate.js';

const only = process.argv[2];
if (!only || only === 'reset') await benchResetFlows();
if (!only || only === 'methods') await benchMethodFlows();
if (!only || only === 'ldap') await benchLdapResetLatency();
if (!only || only === 'sync') await benchSync100k();
if (!only || only === 'doctor') await benchDoctor();
if (!only || only === 'agent') await benchAgentWriteback();
if (!only || only === 'refusal') await benchRefusalTiming();
if (!only || only === 'check-flood') await benchCheckFlood();
if (!only || only === 'console') await benchConsole();
if (!only || only === 'strength') benchStrengthEstimate();
if (!only || only === 'password') {
  const { main } = await import('./password-policy.js');
  await main();
}
if (only === 'vs-ltb') await benchVsLtb();
