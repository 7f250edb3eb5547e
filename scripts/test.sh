#!/usr/bin/env bash
# The test command: installs what the tests need on a fresh Debian machine, then runs every test
# (unit, adapter contract, end-to-end with the real nix client) and builds the executable jar.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v nix >/dev/null 2>&1 || need+=(nix-bin)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
# OpenDHT's C library, for the cluster tests (dhtnode is not needed: the tests start their own nodes).
ldconfig -p 2>/dev/null | grep -q 'libopendht-c.so.2' || need+=(libopendht-c2)
# nginx serves a file:// Nix cache as an upstream for the pull-through tests.
[ -x /usr/sbin/nginx ] || need+=(nginx-light)
# openssl makes the private CA and certificate of the HTTPS upstream test.
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# PostgreSQL's server binaries: the PostgreSQL adapter's tests start their own server in a temp directory.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "test.sh: missing ${need[*]}; run as root or install them (apt-get install ${need[*]})" >&2
    exit 2
  fi
  echo "test.sh: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# The end-to-end tests drive the real nix client as root without a daemon (single-user Nix, as scripts/nix-client-check.sh expects).
unset NIX_REMOTE || true

mvn -B -ntp verify "$@"
# The launcher needs the jar that verify just built.
"$(dirname "$0")/launcher-check.sh"
