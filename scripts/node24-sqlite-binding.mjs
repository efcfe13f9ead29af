// Preloaded (`node --import`) by scripts/test-node24.sh: better-sqlite3's native module in node_modules is built
// for the Node that ran `npm ci`; under the project-local Node 24 its load is redirected to the copy built for
// Node 24 (.node24/better_sqlite3.node). Nothing else changes.
import Module from 'node:module';
import { URL, fileURLToPath } from 'node:url';
import { join } from 'node:path';

const built = fileURLToPath(new URL('../.node24/better_sqlite3.node', import.meta.url));
const extensions = Module._extensions;
const load = extensions['.node'];
extensions['.node'] = function (module, filename) {
  return load(module, filename.endsWith(join('better-sqlite3', 'build', 'Release', 'better_sqlite3.node')) ? built : filename);
};
