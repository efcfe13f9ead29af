// Preloaded (`node --import`) by scripts/test-node24.sh: better-sqlite3's native module in node_modules is built
// for the Node that ran `npm ci`; under the project-local Node 24 its load is redirected to the copy built for
// Node 24 (SSPR_NODE24_BINDING, set by scripts/test-node24.sh). Nothing else changes.
import Module from 'node:module';
import { join } from 'node:path';
import process from 'node:process';

const built = process.env.SSPR_NODE24_BINDING;
if (!built) throw new Error('SSPR_NODE24_BINDING is not set: run the Node 24 tier through scripts/test-node24.sh');
const extensions = Module._extensions;
const load = extensions['.node'];
extensions['.node'] = function (module, filename) {
  return load(module, filename.endsWith(join('better-sqlite3', 'build', 'Release', 'better_sqlite3.node')) ? built : filename);
};
