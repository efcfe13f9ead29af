#!/usr/bin/env bash
# The integration tier in two runs of node --test, side by side:
# - the files that start a Samba AD domain controller (test/support/samba-ad.ts), one at a time: Samba binds the
#   fixed ports 389/636, so only one DC can run on a machine. Their domain is provisioned once, into this run's
#   SSPR_SAMBA_AD_TEMPLATE, and each file's DC starts on a copy of it. Their output is shown after the others';
# - every other file, SSPR_TEST_CONCURRENCY (default 2) at a time: each starts its own servers (slapd, SMTP,
#   built server, agents) on free loopback ports, in its own temporary folders and fresh PostgreSQL databases.
# Arguments replace the file list (both runs still split as above). Either run failing fails the tier.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then files=("$@"); else mapfile -t files < <(find test/integration -name '*.test.ts' | sort); fi
ad=(); others=()
for file in "${files[@]}"; do
  if grep -q 'startSambaAd' "$file"; then ad+=("$file"); else others+=("$file"); fi
done
run() { node --import tsx --test --test-reporter=spec "$@"; }
work="$(mktemp -d)"
ad_pid=""
# The AD run is its own process group (setsid), ended with everything it started if this script stops early.
trap '[ -n "$ad_pid" ] && kill -- "-$ad_pid" 2>/dev/null; rm -rf "$work"' EXIT
status=0
if [ ${#ad[@]} -gt 0 ]; then
  echo "Integration: ${#ad[@]} files that start Samba AD, one at a time, beside the others (their output follows)"
  SSPR_SAMBA_AD_TEMPLATE="$work/samba-ad-domain" setsid bash -c \
    'node --import tsx --test --test-reporter=spec --test-concurrency=1 "$@"' ad "${ad[@]}" >"$work/ad.log" 2>&1 &
  ad_pid=$!
fi
if [ ${#others[@]} -gt 0 ]; then
  echo "Integration: ${#others[@]} other files, ${SSPR_TEST_CONCURRENCY:-2} at a time"
  run --test-concurrency="${SSPR_TEST_CONCURRENCY:-2}" "${others[@]}" || status=$?
fi
if [ -n "$ad_pid" ]; then
  ad_status=0; wait "$ad_pid" || ad_status=$?; ad_pid=""
  printf '\nIntegration: the %d files that start Samba AD (exit %d)\n' "${#ad[@]}" "$ad_status"
  cat "$work/ad.log"
  [ "$status" -ne 0 ] || status=$ad_status
fi
exit "$status"
