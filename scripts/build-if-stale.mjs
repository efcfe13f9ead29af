// `npm start` builds only when dist/ is missing or older than src/: an installed package (no src/, no
// TypeScript) starts as shipped, and a checkout is rebuilt after an edit.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import process from 'node:process';

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const built = 'dist/cli/main.js';
const stale = !existsSync(built) || (existsSync('src') && newest('src') > newest('dist'));
if (stale) {
  const result = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
