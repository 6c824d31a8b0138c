#!/usr/bin/env bash
# A local Rostra testnet in one command (doc/testnet.md): a validator and
# full nodes that follow it over P2P.
#   ./contrib/devnet.sh          build (as check.sh does), create the testnet
#                                with rostra-util testnet if it does not exist,
#                                start every node in the background, wait for
#                                blocks and until every node has the same tip
#   ./contrib/devnet.sh stop     stop the nodes (SIGTERM to the pids in their
#                                pid files)
#   ./contrib/devnet.sh status   say which nodes run, with height and peers
# Environment:
#   DEVNET_DIR              where the testnet lives (default ./devnet)
#   DEVNET_NODES            nodes of a new testnet (default 3: node0 the
#                           validator, the others full nodes)
#   DEVNET_EMPTY_INTERVAL   seconds between empty blocks (default 5)
#   ROSTRA_BUILDDIR         use the programs built there and skip the build
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/.." && pwd)
cd "$srcdir"
dir=${DEVNET_DIR:-$srcdir/devnet}
case "$dir" in /*) ;; *) dir=$PWD/$dir ;; esac

nodes() {
	local d
	for d in "$dir"/node*; do
		[ -d "$d" ] && echo "$d"
	done
}

running_pid() { # node dir
	local pid pidfile=$1/testnet/rostrad.pid
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
}

cli() { # node dir, command...
	local node=$1
	shift
	"$bin/rostra-cli" -datadir="$node" "$@"
}

stop_node() {
	local pid node=$1
	pid=$(running_pid "$node") || return 0
	echo "devnet: stopping $(basename "$node") (pid $pid)"
	kill -TERM "$pid"
	for _ in $(seq 1 300); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	echo "devnet: $(basename "$node") (pid $pid) did not stop within 30 s" >&2
	return 1
}

stop() {
	local node any=0 rc=0
	for node in $(nodes); do
		if running_pid "$node" >/dev/null; then
			any=1
			stop_node "$node" || rc=1
		fi
	done
	if [ $any = 0 ]; then
		echo "devnet: not running ($dir)"
	elif [ $rc = 0 ]; then
		echo "devnet: stopped"
	fi
	return $rc
}

# One line per node: height, tip, peers.
show() {
	local node pid
	for node in $(nodes); do
		if pid=$(running_pid "$node"); then
			echo "  $(basename "$node") (pid $pid): height $(cli "$node" getblockcount)," \
				"tip $(cli "$node" getbestblockhash | cut -c1-16)...," \
				"$(cli "$node" getconnectioncount) peers"
		else
			echo "  $(basename "$node"): not running"
		fi
	done
}

# True when every node answers with the same tip at height >= 1.
in_sync() {
	local node tips=""
	for node in $(nodes); do
		[ "$(cli "$node" getblockcount 2>/dev/null || echo 0)" -ge 1 ] || return 1
		tips="$tips $(cli "$node" getbestblockhash 2>/dev/null || echo none)"
	done
	[ "$(echo "$tips" | tr ' ' '\n' | sed '/^$/d' | sort -u | wc -l)" = 1 ]
}

case "${1:-start}" in
stop)
	stop
	exit $?
	;;
status)
	programs >/dev/null
	if [ -n "$(nodes)" ] && running_pid "$(nodes | head -1)" >/dev/null; then
		echo "devnet: running in $dir"
		show
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
if [ ! -d "$dir/node0" ]; then
	"$bin/rostra-util" testnet -dir="$dir" -nodes="${DEVNET_NODES:-3}" -validators=1 \
		-emptyblockinterval="${DEVNET_EMPTY_INTERVAL:-5}"
fi
for node in $(nodes); do
	if pid=$(running_pid "$node"); then
		echo "devnet: $(basename "$node") already running (pid $pid)"
	else
		"$bin/rostrad" -datadir="$node" -daemon
	fi
done

echo "devnet: waiting for blocks on every node..."
for _ in $(seq 1 900); do
	in_sync && break
	sleep 0.1
done
if ! in_sync; then
	echo "devnet: the nodes are not in sync after 90 s; see $dir/node*/testnet/debug.log" >&2
	show >&2
	exit 1
fi

node0=$dir/node0
cat <<MSG

devnet: running in $dir, every node at the same tip:
$(show)
Talk to it:
  $bin/rostra-cli -datadir=$node0 getblockchaininfo
  $bin/rostra-cli -datadir=$node0 getpeerinfo
  $bin/rostra-cli -datadir=$node0 help
node0 is the validator (its files in $node0/testnet/: debug.log,
validator_key, signer_state); the other nodes are full nodes that follow it
over P2P. The funded account's key is $dir/faucet_key.
Stop it:
  ./contrib/devnet.sh stop
MSG
