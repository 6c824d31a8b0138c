#!/usr/bin/env bash
# Build as check.sh does, run every benchmark, and print as the last line one
# JSON object with every figure by name (doc/bench.md lists them).
#   contrib/bench.sh [bench_rostra options]
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/.." && pwd)
cd "$srcdir"
./contrib/build.sh >&2
./build/src/bench/bench_rostra "$@"
