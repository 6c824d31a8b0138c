#!/usr/bin/env bash
# Build as check.sh does, run every benchmark, and print as the last line one
# JSON object with every figure by name (doc/bench.md lists them). A few
# minutes: most of it builds the feed benchmark's 2,000,000-transaction chain
# in a temporary folder under $TMPDIR (about 1 GB, removed at the end).
#   contrib/bench.sh [bench_rostra options: -seconds=N -filter=S -threads=N -quick]
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/.." && pwd)
cd "$srcdir"
./contrib/build.sh >&2
./build/src/bench/bench_rostra "$@"
