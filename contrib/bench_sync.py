#!/usr/bin/env python3
"""Block sync throughput: a fresh rostrad downloads and applies a prepared
chain from a peer on loopback, in transactions per second and as a ratio
against block application (bench_rostra's ledger_block_tps) measured in the
same run. doc/bench.md describes every figure.

    contrib/bench_sync.py [--builddir=DIR] [--blocks=N] [--node-arg=ARG ...] [--keep]

1. bench_rostra -quick -filter=ledger: ledger_block_tps, the bound; run
   again after step 3, and the mean of both taken, so that the machine's
   load during the run weighs on both sides of the ratio.
2. src/bench/bench_sync_chain builds a regtest data directory holding N
   blocks (default 100) of 1,000 mixed signed transactions, produced and
   committed through consensus as a validator does.
3. A serving rostrad starts on that directory; a second one starts on an
   empty directory (the same genesis.json) with -connect to it. The sync
   time runs from the second node's connection to the server to its
   "caught up" at the server's height (both read from its debug.log, so
   its own start-up, loading the genesis, is not counted; the wall time
   from starting it is reported beside); the two state roots must be
   equal.

Progress goes to stderr; the last line on stdout is one JSON object with
the figures. Exit status 0 when the run could be made (a missed target is a
figure, not a failure), 1 otherwise. Python standard library only.

Every process it starts is stopped by its pid before it returns, also on
failure; the temporary directory is removed (unless --keep)."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime

from benchnode import BenchError, Node, last_json, logger

SRCDIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SYNC_TIMEOUT = 600


log = logger("bench_sync")


def run_tool(args, what):
    log(" ".join(args))
    r = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=sys.stderr, text=True)
    if r.returncode != 0:
        raise BenchError(f"{what} exited with {r.returncode}")
    return last_json(r.stdout, what)


def measure_sync(opts, tmp, height):
    """Start the server and the fresh node; return (sync seconds, wall
    seconds from starting the fresh node, server info, fresh node info)."""
    serve_dir = os.path.join(tmp, "serve")
    fresh_dir = os.path.join(tmp, "fresh")
    os.makedirs(os.path.join(fresh_dir, "regtest"))
    shutil.copy(os.path.join(serve_dir, "regtest", "genesis.json"),
                os.path.join(fresh_dir, "regtest", "genesis.json"))
    server = Node(opts.builddir, serve_dir)
    fresh = Node(opts.builddir, fresh_dir)
    try:
        server.start(["-listen=1", "-wallet=0"] + opts.node_args)
        if server.call("getblockcount") != height:
            raise BenchError("the serving node does not hold the prepared chain")
        log(f"serving node up at height {height} (p2p port {server.port}); starting the fresh node")
        start = time.monotonic()
        fresh.start(["-listen=0", "-wallet=0", f"-connect=127.0.0.1:{server.port}"] + opts.node_args,
                    wait=False)
        fresh.wait_ready()
        end = start + SYNC_TIMEOUT
        while True:
            got = fresh.call("getblockcount")
            if got >= height:
                break
            if time.monotonic() > end:
                raise BenchError(f"the fresh node reached only height {got} of {height}")
            time.sleep(0.02)
        wall = time.monotonic() - start
        a, b = server.call("getblockchaininfo"), fresh.call("getblockchaininfo")
        return sync_span(fresh_dir, height), wall, a, b
    finally:
        fresh.stop()
        server.stop()
        log_tail(fresh_dir)


def log_time(line):
    """The time of a debug.log line ("2026-11-22T05:28:14.068Z ..."), in s."""
    stamp = line.split(" ", 1)[0]
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()


def sync_span(datadir, height):
    """Seconds from the fresh node's first peer connection to its
    "caught up at height" line, from its debug.log."""
    path = os.path.join(datadir, "regtest", "debug.log")
    start = end = None
    with open(path, errors="replace") as f:
        for line in f:
            if start is None and "[net:info] peer " in line and " connected " in line:
                start = log_time(line)
            elif f"sync: caught up at height {height}" in line:
                end = log_time(line)
    if start is None or end is None:
        raise BenchError("the fresh node's debug.log has no connection or no caught-up line")
    return end - start


def log_tail(datadir):
    """The fresh node's sync lines, for the reader of stderr."""
    path = os.path.join(datadir, "regtest", "debug.log")
    try:
        with open(path, errors="replace") as f:
            lines = [l.rstrip() for l in f if "sync:" in l]
    except OSError:
        return
    for l in lines[-5:]:
        log(f"  fresh node: {l}")


def ledger_block_tps(opts):
    r = run_tool([os.path.join(opts.builddir, "src", "bench", "bench_rostra"), "-quick",
                  "-filter=ledger"], "bench_rostra")
    return float(r["ledger_block_tps"])


def bench(opts, tmp):
    before = ledger_block_tps(opts)
    chain = run_tool([os.path.join(opts.builddir, "src", "bench", "bench_sync_chain"),
                      f"-datadir={os.path.join(tmp, 'serve')}", f"-blocks={opts.blocks}"],
                     "bench_sync_chain")
    height, txs = int(chain["height"]), int(chain["txs"])
    seconds, wall, a, b = measure_sync(opts, tmp, height)
    after = ledger_block_tps(opts)
    ledger_tps = (before + after) / 2
    if a["stateroot"] != b["stateroot"] or a["bestblockhash"] != b["bestblockhash"]:
        raise BenchError(f"the fresh node's tip differs: {b['bestblockhash']} {b['stateroot']} "
                         f"against {a['bestblockhash']} {a['stateroot']}")
    tps = txs / seconds
    figures = {
        "sync_blocks": height,
        "sync_txs": txs,
        "sync_seconds": round(seconds, 3),
        "sync_wall_seconds": round(wall, 3),
        "sync_tps": round(tps, 1),
        "sync_ledger_block_tps": round(ledger_tps, 1),
        "sync_ledger_block_tps_spread": round(abs(before - after) / ledger_tps, 4),
        "sync_ratio": round(tps / ledger_tps, 4),
    }
    for k, v in figures.items():
        log(f"  {k:<32} {v}")
    return figures


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--builddir", default=os.path.join(SRCDIR, "build"))
    p.add_argument("--blocks", type=int, default=100,
                   help="blocks of 1,000 transactions in the prepared chain (100)")
    p.add_argument("--node-arg", dest="node_args", action="append", default=[],
                   help="an extra rostrad argument for both nodes (repeatable)")
    p.add_argument("--keep", action="store_true",
                   help="keep the temporary directory (both nodes' debug.log)")
    opts = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="rostra-bench-sync.")
    try:
        print(json.dumps(bench(opts, tmp)))
        return 0
    except (BenchError, OSError, ValueError, KeyError) as e:
        log(f"failed: {e}")
        return 1
    finally:
        if opts.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
