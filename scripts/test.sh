#!/usr/bin/env bash
# The whole test suite: installs what it needs when missing, then lint, type-check, build, unit,
# integration (real SMTP, SQLite, PostgreSQL) and end-to-end (built server + headless Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

step() { printf '\n=== %s (%d s since the start) ===\n' "$1" "$SECONDS"; }
# Lint and the browser code's type-check (one core) run beside the type-check, build and deploy checks (the
# other); the lint output is shown after them, in order, and either failure stops the suite.
lint_log="$(mktemp)"; trap 'rm -f "$lint_log"' EXIT
(npx eslint . && npx tsc -p tsconfig.browser.json) >"$lint_log" 2>&1 &
lint_pid=$!
step "type-check";  npx tsc -p tsconfig.json --noEmit
# The type-check above covered src (tsconfig.json includes it), so the build only emits: the same files, without
# checking every type a second time (about two minutes on two cores).
step "build";       npx tsc -p tsconfig.build.json --noCheck
step "deploy recipes"; bash scripts/check-deploy.sh
step "lint, browser type-check"
lint_status=0; wait "$lint_pid" || lint_status=$?
cat "$lint_log"
[ "$lint_status" -eq 0 ] || exit "$lint_status"
step "unit";        npm run test:unit --silent
step "integration"; npm run test:integration --silent
step "end-to-end";  npm run test:e2e --silent
step "node 24";     bash scripts/test-node24.sh
printf '\nAll test tiers passed in %d s.\n' "$SECONDS"
