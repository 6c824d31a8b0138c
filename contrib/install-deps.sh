#!/usr/bin/env bash
# Install the Debian 12 packages Rostra needs to build and test.
# Idempotent: apt is touched only when a package is missing.
set -euo pipefail

packages=(
  build-essential autoconf automake libtool pkg-config
  libssl-dev libevent-dev libsecp256k1-dev libleveldb-dev libjansson-dev
  python3
)
# clang and its sanitizer/libFuzzer runtime are used by the fuzz smoke run.
if [ "${ROSTRA_NO_CLANG:-0}" != 1 ]; then
  packages+=(clang libclang-rt-dev)
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
