#!/usr/bin/env bash
# Build as check.sh does, run every benchmark, and print as the last line one
# JSON object with every figure by name (doc/bench.md lists them). A few
# minutes: most of it builds the feed benchmark's 2,000,000-transaction chain
# in a temporary folder under $TMPDIR (about 1 GB, removed at the end). Then
# contrib/bench_rpc.py measures RPC throughput with wrk (about a minute and a
# half) and contrib/bench_sync.py block sync between two nodes on loopback
# (under a minute).
#   contrib/bench.sh [bench_rostra options: -seconds=N -filter=S -threads=N -quick]
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/.." && pwd)
cd "$srcdir"
./contrib/install-deps.sh --bench >&2
./contrib/build.sh >&2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rostra-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Each prints its figures as its last stdout line; the rest goes to stderr.
./build/src/bench/bench_rostra "$@" | tee "$tmp/rostra.out" >&2
./contrib/bench_rpc.py --builddir="$srcdir/build" | tee "$tmp/rpc.out" >&2
./contrib/bench_sync.py --builddir="$srcdir/build" | tee "$tmp/sync.out" >&2
python3 - "$tmp/rostra.out" "$tmp/rpc.out" "$tmp/sync.out" <<'PY'
import json, sys
merged = {}
for path in sys.argv[1:]:
    with open(path) as f:
        lines = [l for l in f.read().splitlines() if l.strip()]
    merged.update(json.loads(lines[-1]))
print(json.dumps(merged))
PY
