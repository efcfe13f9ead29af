#!/usr/bin/env bash
# Installs the Debian packages the test suite drives when they are missing: headless Chromium, OpenLDAP
# (slapd with ppolicy), a Samba Active Directory domain controller, and nginx (the reverse-proxy test). The directory tests run as root
# (Samba binds the fixed ports 389/636).
# PostgreSQL is expected at 127.0.0.1:5432 (SSPR_TEST_PG_URL overrides); the suite fails loudly without it.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v slapd >/dev/null 2>&1 || [ -x /usr/sbin/slapd ] || need+=(slapd)
command -v ldapsearch >/dev/null 2>&1 || need+=(ldap-utils)
command -v samba-tool >/dev/null 2>&1 || need+=(samba-ad-dc samba-ad-provision)
[ -x /usr/sbin/nginx ] || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing Debian packages for the tests: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
