#!/usr/bin/env bash
# The whole test suite: installs what it needs when missing, then the build, and the test tiers — unit,
# integration (real SMTP, SQLite, PostgreSQL, slapd, Samba AD), end-to-end (built server + headless Chromium),
# Node 24 — one after another. Beside them, on one core, the checks that run no test: type-check, deploy
# recipes, lint, browser type-check, then the Node 24 tier's Node and binding made ready (scripts/test-checks.sh).
# The tiers need no type-check: they run the sources through tsx and the build, which only emits (tsc --noCheck;
# the type-check covers src). The checks' output is shown when they end: at once if they fail, else before the
# Node 24 tier. A failure anywhere fails the suite.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

step() { printf '\n=== %s (%d s since the start) ===\n' "$1" "$SECONDS"; }
checks_log="$(mktemp)"; checks_rc="$(mktemp -u)"; checks_pid=""
# The checks are their own process group (setsid), ended with all they started if the suite stops early.
trap '[ -n "$checks_pid" ] && kill -- "-$checks_pid" 2>/dev/null; rm -f "$checks_log" "$checks_rc"' EXIT

step "build";       npx tsc -p tsconfig.build.json --noCheck && node scripts/build-strength-dictionaries.mjs
step "checks (type-check, deploy recipes, lint, browser type-check, Node 24 ready) start beside the tiers"
setsid bash -c 'status=0; bash scripts/test-checks.sh || status=$?; echo "$status" >"$1"; exit "$status"' \
  checks "$checks_rc" >"$checks_log" 2>&1 &
checks_pid=$!

# Shows the checks' output and stops the suite if they have failed; with "wait", waits for them to end first.
checks() {
  local mode="${1:-poll}" status
  [ -n "$checks_pid" ] || return 0
  if [ "$mode" = wait ]; then wait "$checks_pid" || true; elif [ ! -s "$checks_rc" ]; then return 0; fi
  status="$(cat "$checks_rc" 2>/dev/null || echo 1)"
  [ "$mode" = wait ] || [ "$status" -ne 0 ] || return 0
  step "checks (exit $status)"; cat "$checks_log"; checks_pid=""
  [ "$status" -eq 0 ] || exit "$status"
}

step "unit";        npm run test:unit --silent;        checks
step "integration"; npm run test:integration --silent; checks
step "end-to-end";  npm run test:e2e --silent;         checks
checks wait
step "node 24";     bash scripts/test-node24.sh
printf '\nAll test tiers passed in %d s.\n' "$SECONDS"
