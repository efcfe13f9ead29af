#!/usr/bin/env bash
# The whole test suite: installs what it needs when missing, then lint, type-check, build, unit,
# integration (real SMTP, SQLite, PostgreSQL) and end-to-end (built server + headless Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

step() { printf '\n=== %s ===\n' "$1"; }
step "lint";        npx eslint .
step "type-check";  npx tsc -p tsconfig.json --noEmit && npx tsc -p tsconfig.browser.json
step "build";       npm run build --silent
step "deploy recipes"; bash scripts/check-deploy.sh
step "unit";        npm run test:unit --silent
step "integration"; npm run test:integration --silent
step "end-to-end";  npm run test:e2e --silent
step "node 24";     bash scripts/test-node24.sh
printf '\nAll test tiers passed.\n'
