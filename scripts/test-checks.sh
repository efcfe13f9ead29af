#!/usr/bin/env bash
# The checks that run no test, one after another (one core): the type-check of src, test, bench and scripts,
# the deploy recipes (they read the build: run after it), lint, and the browser code's type-check; then the
# Node 24 tier's Node and better-sqlite3 binding are made ready (built only when its cache is cold). The first
# failure stops them, with its exit status.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n=== %s (%d s into the checks) ===\n' "$1" "$SECONDS"; }
step "type-check";           npx tsc -p tsconfig.json --noEmit
step "deploy recipes";       bash scripts/check-deploy.sh
step "lint";                 npx eslint .
step "browser type-check";   npx tsc -p tsconfig.browser.json
step "Node 24 ready";        bash scripts/test-node24.sh --prepare
