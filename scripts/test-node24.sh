#!/usr/bin/env bash
# The product on Node 24: the tests that exercise what can differ between Node majors — the native modules
# (better-sqlite3, @node-rs/argon2), node:crypto and WebCrypto (HPKE sealing, passkeys,
# keyring), the dictionaries loaded through require, and the whole server over HTTP with SQLite and PostgreSQL — with a
# project-local Node from the npm registry's `node` package and better-sqlite3 built for it once (about
# 4 minutes, needs a compiler), both kept between runs and checkouts in SSPR_NODE24_CACHE (default
# ~/.cache/sspr-node24), rebuilt when the Node or better-sqlite3 version changes. Every other test runs on the
# machine's Node only (the CLI tests start the machine's Node): the same code, and the whole suite must stay
# well under 15 minutes. With --prepare it only makes that Node and binding ready (npm test does so beside the
# other tiers, so a cold cache costs no time of its own) and runs no test.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${SSPR_NODE24_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sspr-node24}"
mkdir -p "$dir"
# One run at a time makes the cache ready (a second run waits, then finds it ready): two builds in one folder
# delete each other's files.
exec 9>"$dir/.lock"
flock 9
export SSPR_NODE24_BINDING="$dir/better_sqlite3.node"
node24="$dir/node_modules/node/bin/node"
if [ ! -x "$node24" ]; then
  npm install --prefix "$dir" --no-save --no-audit --no-fund node@24 >/dev/null
fi
headers="$dir/node_modules/node/node_modules/node-linux-$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')"
stamp="$("$node24" --version) better-sqlite3 $(node -p "require('better-sqlite3/package.json').version")"
# Whether the cached binding loads in this Node 24 (one built against another Node's headers does not).
loads() { "$node24" -e 'process.dlopen({ exports: {} }, process.argv[1])' "$dir/better_sqlite3.node" 2>/dev/null; }
if [ ! -f "$dir/better_sqlite3.node" ] || [ "$(cat "$dir/better_sqlite3.stamp" 2>/dev/null)" != "$stamp" ] || ! loads; then
  echo "Building better-sqlite3 for Node 24 ($stamp) …"
  # Without the copied build/ (made for the Node that ran npm ci): a rebuild over it can keep its objects.
  rm -rf "$dir/better-sqlite3" && cp -r node_modules/better-sqlite3 "$dir/better-sqlite3" && rm -rf "$dir/better-sqlite3/build"
  gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
  # npm hands its own `nodedir` to scripts as npm_config_nodedir (this machine's ~/.npmrc names /usr, Node 20's
  # headers), and node-gyp prefers it to --nodedir: point both at Node 24's headers.
  (cd "$dir/better-sqlite3" && PATH="$(dirname "$(readlink -f "$node24")"):$PATH" npm_config_nodedir="$headers" "$node24" "$gyp" rebuild --release --nodedir="$headers" -j 2 >"$dir/build.log" 2>&1) || { tail -20 "$dir/build.log" >&2; exit 1; }
  cp "$dir/better-sqlite3/build/Release/better_sqlite3.node" "$dir/better_sqlite3.node"
  if ! loads; then
    echo "better-sqlite3 built for Node 24 does not load in $("$node24" --version): were the headers in $headers used?" >&2
    exit 1
  fi
  echo "$stamp" > "$dir/better_sqlite3.stamp"
fi
exec 9>&-
if [ "${1:-}" = --prepare ]; then
  echo "Node $("$node24" --version) and better-sqlite3 for it: ready in $dir"
  exit 0
fi
run() { "$node24" --import ./scripts/node24-sqlite-binding.mjs --import tsx --test --test-concurrency=2 --test-reporter=dot "$@"; }
echo "Node $("$node24" --version): native modules, crypto, dictionaries, the store and the server"
run test/unit/crypto.test.ts test/unit/config.test.ts test/unit/agent-protocol/hpke-envelope.test.ts \
  test/unit/agent-protocol/sealed-password.test.ts test/unit/passkey/passkey-service.test.ts \
  test/unit/password-policy/strength.test.ts test/unit/decoy-ring.test.ts \
  test/integration/store.test.ts test/integration/shared-keyring.test.ts test/integration/reset-api.test.ts
