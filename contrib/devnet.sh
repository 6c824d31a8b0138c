#!/usr/bin/env bash
# Set everything up and run a local Rostra testnet.
#   ./contrib/devnet.sh        build, create the testnet, start it
#   ./contrib/devnet.sh stop   stop it
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/.." && pwd)
cd "$srcdir"

if [ "${1:-}" = stop ]; then
	echo "devnet: nothing to stop (the node is not built yet)"
	exit 0
fi

./contrib/build.sh
cat <<'MSG'

devnet: the libraries, tests and bench_rostra are built in ./build.
The node (rostrad, rostra-cli) is not there yet: it arrives with the node
issue, and this script will then create and start a local testnet.
Meanwhile: ./contrib/check.sh runs the tests, ./contrib/bench.sh the benchmarks.
MSG
