#!/usr/bin/env bash
# The integration tier in two runs of node --test:
# - the files that start a Samba AD domain controller (test/support/samba-ad.ts), one at a time: Samba binds the
#   fixed ports 389/636, so only one DC can run on a machine;
# - every other file, SSPR_TEST_CONCURRENCY (default 2) at a time: each starts its own servers (slapd, SMTP,
#   built server, agents) on free loopback ports, in its own temporary folders and fresh PostgreSQL databases.
# Arguments replace the file list (both runs still split as above).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then files=("$@"); else mapfile -t files < <(find test/integration -name '*.test.ts' | sort); fi
ad=(); others=()
for file in "${files[@]}"; do
  if grep -q 'startSambaAd' "$file"; then ad+=("$file"); else others+=("$file"); fi
done
run() { node --import tsx --test --test-reporter=spec "$@"; }
status=0
if [ ${#ad[@]} -gt 0 ]; then
  echo "Integration: ${#ad[@]} files that start Samba AD, one at a time"
  run --test-concurrency=1 "${ad[@]}" || status=$?
fi
if [ ${#others[@]} -gt 0 ]; then
  echo "Integration: ${#others[@]} other files, ${SSPR_TEST_CONCURRENCY:-2} at a time"
  run --test-concurrency="${SSPR_TEST_CONCURRENCY:-2}" "${others[@]}" || status=$?
fi
exit "$status"
