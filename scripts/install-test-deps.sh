#!/usr/bin/env bash
# Installs the Debian packages the test suite drives (headless Chromium) when they are missing.
# PostgreSQL is expected at 127.0.0.1:5432 (SSPR_TEST_PG_URL overrides); the suite fails loudly without it.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing Debian packages for the tests: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
