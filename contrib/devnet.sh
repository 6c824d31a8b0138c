#!/usr/bin/env bash
# A local Rostra testnet in one command (doc/testnet.md).
#   ./contrib/devnet.sh          build (as check.sh does), create the testnet
#                                with rostra-util testnet if it does not exist,
#                                start it in the background, wait for blocks
#   ./contrib/devnet.sh stop     stop it (SIGTERM to the pid in its pid file)
#   ./contrib/devnet.sh status   say whether it runs, and its height
# Environment:
#   DEVNET_DIR              where the testnet lives (default ./devnet)
#   DEVNET_EMPTY_INTERVAL   seconds between empty blocks (default 5)
#   ROSTRA_BUILDDIR         use the programs built there and skip the build
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/.." && pwd)
cd "$srcdir"
dir=${DEVNET_DIR:-$srcdir/devnet}
case "$dir" in /*) ;; *) dir=$PWD/$dir ;; esac
node=$dir/node0
pidfile=$node/testnet/rostrad.pid

running_pid() {
	local pid
	[ -f "$pidfile" ] || return 1
	pid=$(cat "$pidfile" 2>/dev/null || true)
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

programs() {
	if [ -n "${ROSTRA_BUILDDIR:-}" ]; then
		bin=$(cd "$ROSTRA_BUILDDIR" && pwd)/src
	else
		./contrib/build.sh
		bin=$srcdir/build/src
	fi
	cli="$bin/rostra-cli -datadir=$node"
}

stop() {
	local pid
	if ! pid=$(running_pid); then
		echo "devnet: not running ($dir)"
		return 0
	fi
	echo "devnet: stopping rostrad (pid $pid)"
	kill -TERM "$pid"
	for _ in $(seq 1 300); do
		kill -0 "$pid" 2>/dev/null || { echo "devnet: stopped"; return 0; }
		sleep 0.1
	done
	echo "devnet: rostrad (pid $pid) did not stop within 30 s" >&2
	return 1
}

case "${1:-start}" in
stop)
	stop
	exit $?
	;;
status)
	if pid=$(running_pid); then
		programs >/dev/null
		echo "devnet: running (pid $pid), height $($cli getblockcount)"
	else
		echo "devnet: not running ($dir)"
	fi
	exit 0
	;;
start) ;;
*)
	echo "usage: $0 [start|stop|status]" >&2
	exit 2
	;;
esac

programs
if pid=$(running_pid); then
	echo "devnet: already running (pid $pid) in $dir"
else
	if [ ! -d "$node" ]; then
		"$bin/rostra-util" testnet -dir="$dir" -nodes=1 -validators=1 \
			-emptyblockinterval="${DEVNET_EMPTY_INTERVAL:-5}"
	fi
	"$bin/rostrad" -datadir="$node" -daemon
fi

echo "devnet: waiting for the first block..."
for _ in $(seq 1 600); do
	height=$($cli getblockcount 2>/dev/null || echo 0)
	[ "$height" -ge 1 ] && break
	sleep 0.1
done
if [ "${height:-0}" -lt 1 ]; then
	echo "devnet: no block after 60 s; see $node/testnet/debug.log" >&2
	exit 1
fi

cat <<MSG

devnet: running in $dir (height $height, pid $(running_pid)).
Talk to it:
  $cli getblockchaininfo
  $cli help
Its funded account's key is $dir/faucet_key; the validator's files are in
$node/testnet/ (debug.log, validator_key, signer_state).
Stop it:
  ./contrib/devnet.sh stop
MSG
