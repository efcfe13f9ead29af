/**
 * `npm run bench`: every benchmark in turn; each prints its own figures. `npm run bench -- NAME` runs one;
 * `vs-ltb` (the side-by-side kit against LTB, needs apt and several minutes) and `password-step` (the final reset
 * step alone, in-process, with its store, LDAP and mail counts) run only when named. An unknown
 * name is refused with the list of names (exit 2), never a run that measures nothing.
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
import { benchServerMemory } from './server-memory.js';
import { benchPasswordStep } from './password-step.js';

/** Every benchmark by name, in the order `npm run bench` runs them; `inAll` false: only when named. */
const benches: ReadonlyArray<{ name: string; run: () => unknown; inAll: boolean }> = [
  { name: 'reset', run: benchResetFlows, inAll: true },
  { name: 'methods', run: benchMethodFlows, inAll: true },
  { name: 'ldap', run: benchLdapResetLatency, inAll: true },
  { name: 'sync', run: benchSync100k, inAll: true },
  { name: 'doctor', run: benchDoctor, inAll: true },
  { name: 'agent', run: benchAgentWriteback, inAll: true },
  { name: 'refusal', run: benchRefusalTiming, inAll: true },
  { name: 'check-flood', run: benchCheckFlood, inAll: true },
  { name: 'console', run: benchConsole, inAll: true },
  { name: 'strength', run: benchStrengthEstimate, inAll: true },
  { name: 'memory', run: benchServerMemory, inAll: true },
  { name: 'password', run: async () => (await import('./password-policy.js')).main(), inAll: true },
  { name: 'password-step', run: benchPasswordStep, inAll: false },
  { name: 'vs-ltb', run: benchVsLtb, inAll: false },
];

const only = process.argv[2];
const chosen = only === undefined ? benches.filter((bench) => bench.inAll) : benches.filter((bench) => bench.name === only);
if (chosen.length === 0) {
  console.error(`There is no benchmark named "${only}". Choose one of: ${benches.map((bench) => bench.name).join(', ')}.`);
  process.exit(2);
}
for (const bench of chosen) await bench.run();
