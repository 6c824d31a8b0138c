#!/usr/bin/env bash
# Install the Debian 12 packages Rostra needs to build and test.
# Idempotent: apt is touched only when a package is missing.
#   contrib/install-deps.sh [--bench]
# --bench also installs what contrib/bench.sh needs besides the build: wrk,
# the HTTP load tool of the RPC throughput figures (check.sh never needs it).
set -euo pipefail

bench=0
for arg in "$@"; do
  case "$arg" in
    --bench) bench=1 ;;
    *) echo "install-deps: unknown option $arg (usage: install-deps.sh [--bench])" >&2; exit 1 ;;
  esac
done

packages=(
  build-essential autoconf automake libtool pkg-config
  libssl-dev libevent-dev libsecp256k1-dev libleveldb-dev libjansson-dev
  python3
)
# clang and its sanitizer/libFuzzer runtime are used by the fuzz smoke run.
if [ "${ROSTRA_NO_CLANG:-0}" != 1 ]; then
  packages+=(clang libclang-rt-dev)
fi
if [ "$bench" = 1 ]; then
  packages+=(wrk)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
