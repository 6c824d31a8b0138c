#!/usr/bin/env bash
# Install what is missing, generate the build system and build Rostra in
# ./build (gcc, -Werror). Used by check.sh, devnet.sh and bench.sh.
#   contrib/build.sh [EXTRA CONFIGURE ARGS...]
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/.." && pwd)
cd "$srcdir"
jobs=$(nproc 2>/dev/null || echo 2)

./contrib/install-deps.sh
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ ! -e build-aux/tap-driver.sh ]; then
	./autogen.sh >/dev/null 2>&1 || ./autogen.sh
fi
mkdir -p build
cd build
if [ ! -f Makefile ] || [ ../configure -nt Makefile ] || [ $# -gt 0 ]; then
	../configure --enable-werror -q "$@"
fi
make -j"$jobs" -s
