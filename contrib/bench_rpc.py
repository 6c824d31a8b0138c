#!/usr/bin/env python3
"""RPC throughput over keep-alive connections, measured with wrk against a
regtest rostrad with authentication on, each figure as a ratio against a
constant-reply evhttp server (src/bench/bench_evhttp) with as many HTTP
threads, measured in the same run with the same load: first with rostrad's
default HTTP threads (--http-threads), then with one on both sides.
doc/bench.md describes every figure.

    contrib/bench_rpc.py [--builddir=DIR] [--seconds=N] [--connections=N]
                         [--threads=N] [--accounts=N] [--http-threads=N]

Progress goes to stderr; the last line on stdout is one JSON object with
the figures. Exit status 0 when every run could be made (a missed target
is a figure, not a failure), 1 otherwise. Python standard library only.

Every process it starts (rostrad, bench_evhttp, wrk) is stopped by its pid
before it returns, also on failure; the temporary data directory is
removed."""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from benchnode import BenchError, Node, logger, stop_process

SRCDIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SENDER_CAP = 60        # below the mempool's 64 transactions per sender
FUND = 100000000       # 1 ROS to each account
OVERLOAD_DELAY_MS = 20


log = logger("bench_rpc")


def make_accounts(node, n):
    """n wallet addresses, each funded in a block: accounts that exist."""
    addrs = node.batch("getnewaddress", [[] for _ in range(n)])
    for i in range(0, n, SENDER_CAP):
        node.batch("sendtoaddress", [[a, FUND] for a in addrs[i:i + SENDER_CAP]])
        node.call("generate", 1)
    if node.call("getaccount", addrs[-1])["balance"] != FUND:
        raise BenchError("an account was not funded")
    return addrs


def lua_script(path, auth, method, param, addrs):
    """A wrk script: POST JSON-RPC with credentials, count 200-without-error,
    503 and anything else per thread, and print the sums at the end. With
    addrs, each request asks for a random one of them."""
    body = json.dumps({"method": method, "params": [param] if param is not None else [], "id": 1})
    lines = [
        f'wrk.method = "POST"',
        f'wrk.path = "/"',
        f'wrk.headers["Authorization"] = "{auth}"',
        'wrk.headers["Content-Type"] = "application/json"',
        f"wrk.body = {json.dumps(body)}",
        "ok, s503, other = 0, 0, 0",
        "local threads = {}",
        "function setup(thread) table.insert(threads, thread) end",
        "function response(status, headers, body)",
        '  if status == 200 and string.find(body, \'"error":null\', 1, true) then ok = ok + 1',
        "  elseif status == 503 then s503 = s503 + 1",
        "  else other = other + 1 end",
        "end",
        "function done(summary, latency, requests)",
        "  local a, b, c = 0, 0, 0",
        "  for _, t in ipairs(threads) do",
        '    a = a + t:get("ok"); b = b + t:get("s503"); c = c + t:get("other")',
        "  end",
        '  local e = summary.errors',
        '  io.write(string.format("COUNTS %d %d %d %d\\n", a, b, c,',
        "    e.connect + e.read + e.write + e.timeout))",
        "end",
    ]
    if addrs:
        lines += [
            "local addrs = {" + ",".join(json.dumps(a) for a in addrs) + "}",
            "function init(args) math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16)) end",
            "function request()",
            f'  local b = \'{{"method":"{method}","params":["\' .. addrs[math.random(#addrs)] .. \'"],"id":1}}\'',
            "  return wrk.format(nil, nil, nil, b)",
            "end",
        ]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}


def parse_wrk(out):
    """requests/s, p99 in ms, and the script's counts from wrk's output."""
    rps = re.search(r"^Requests/sec:\s+([0-9.]+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+([0-9.]+)(us|ms|s|m)\s*$", out, re.M)
    counts = re.search(r"^COUNTS (\d+) (\d+) (\d+) (\d+)$", out, re.M)
    if not rps or not p99 or not counts:
        raise BenchError(f"cannot read wrk's output:\n{out}")
    ok, s503, other, sockerr = (int(x) for x in counts.groups())
    return {"rps": float(rps.group(1)), "p99_ms": float(p99.group(1)) * UNITS[p99.group(2)],
            "ok": ok, "s503": s503, "other": other + sockerr}


def run_wrk(port, script, opts, what):
    args = ["wrk", f"-t{opts.threads}", f"-c{opts.connections}", f"-d{opts.seconds}s",
            "--latency", "-s", script, f"http://127.0.0.1:{port}/"]
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        out, _ = proc.communicate(timeout=opts.seconds + 30)
    except subprocess.TimeoutExpired:
        stop_process(proc)
        raise BenchError(f"wrk ({what}) did not end")
    finally:
        stop_process(proc)
    if proc.returncode != 0:
        raise BenchError(f"wrk ({what}) failed: {out}")
    r = parse_wrk(out)
    log(f"{what}: {r['rps']:.0f} req/s, p99 {r['p99_ms']:.2f} ms, ok {r['ok']}, "
        f"503 {r['s503']}, other {r['other']}")
    return r


def start_baseline(builddir, http_threads):
    exe = os.path.join(builddir, "src", "bench", "bench_evhttp")
    proc = subprocess.Popen([exe, f"-threads={http_threads}"], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    m = re.match(r"port (\d+)$", line.strip())
    if not m:
        stop_process(proc)
        raise BenchError(f"bench_evhttp did not start: {line!r}")
    return proc, int(m.group(1))


def measure_baseline(builddir, http_threads, script, opts, what):
    proc, port = start_baseline(builddir, http_threads)
    try:
        return run_wrk(port, script, opts, what)
    finally:
        stop_process(proc)


def must_be_clean(r, what):
    if r["s503"] or r["other"] or r["ok"] == 0:
        raise BenchError(f"{what}: {r['s503']} 503s and {r['other']} other failures")


def throughput(opts, tmp, node, addrs, http_threads):
    """getblockcount and getaccount, each with its bound: the baseline
    under the same load (the same wrk script), measured before and after
    the node's runs, with http_threads HTTP threads on both sides; node is
    running with them. Returns the two bounds and the two runs."""
    scripts = {k: os.path.join(tmp, f"{k}.lua") for k in ("count", "account")}
    lua_script(scripts["count"], node.auth, "getblockcount", None, None)
    lua_script(scripts["account"], node.auth, "getaccount", None, addrs)
    tag = f"{http_threads} HTTP thread{'s' if http_threads > 1 else ''}"

    def baseline(key, again):
        what = f"baseline{' again' if again else ''} under {key}'s load, {tag}"
        r = measure_baseline(opts.builddir, http_threads, scripts[key], opts, what)
        must_be_clean(r, "baseline")
        return r["rps"]

    before = {k: baseline(k, False) for k in ("count", "account")}
    count = run_wrk(node.rpcport, scripts["count"], opts, f"getblockcount, {tag}")
    account = run_wrk(node.rpcport, scripts["account"], opts, f"getaccount, {tag}")
    after = {k: baseline(k, True) for k in ("account", "count")}
    must_be_clean(count, "getblockcount")
    must_be_clean(account, "getaccount")
    bound = {k: (before[k] + after[k]) / 2 for k in before}
    return bound, count, account


def bench(opts, tmp, node):
    datadir = os.path.join(tmp, "node")
    os.makedirs(datadir)
    # A queue deep enough for every connection: the throughput runs measure
    # the server, not its refusals.
    queue = f"-rpcworkqueue={opts.connections * 2}"
    node.start(["-listen=0"])
    log(f"making {opts.accounts} funded accounts")
    addrs = make_accounts(node, opts.accounts)
    node.stop()
    # Every run starts the node again: the state is read from LevelDB's
    # table files, as on a node that has run for a while, not from the
    # memtable that has just taken the accounts.
    node.start(["-listen=0", queue, f"-rpchttpthreads={opts.http_threads}"] + opts.node_args)
    base, count, account = throughput(opts, tmp, node, addrs, opts.http_threads)
    node.stop()

    node.start(["-listen=0", queue, "-rpchttpthreads=1"] + opts.node_args)
    base_1, count_1, account_1 = throughput(opts, tmp, node, addrs, 1)
    node.stop()

    node.start(["-listen=0", "-rpcthreads=1", "-rpcworkqueue=1"])
    delay = os.path.join(tmp, "delay.lua")
    lua_script(delay, node.auth, "delay", OVERLOAD_DELAY_MS, None)  # a new cookie
    over = run_wrk(node.rpcport, delay, opts, "overload (delay, 1 thread, queue 1)")
    node.stop()

    return {
        "rpc_connections": opts.connections,
        "rpc_accounts": len(addrs),
        "rpc_http_threads": opts.http_threads,
        "rpc_baseline_rps": round(base["count"]),
        "rpc_getblockcount_rps": round(count["rps"]),
        "rpc_getblockcount_ratio": round(count["rps"] / base["count"], 3),
        "rpc_baseline_getaccount_rps": round(base["account"]),
        "rpc_getaccount_rps": round(account["rps"]),
        "rpc_getaccount_ratio": round(account["rps"] / base["account"], 3),
        "rpc_getaccount_p99_ms": round(account["p99_ms"], 2),
        "rpc_baseline_1thread_rps": round(base_1["count"]),
        "rpc_getblockcount_1thread_ratio": round(count_1["rps"] / base_1["count"], 3),
        "rpc_baseline_getaccount_1thread_rps": round(base_1["account"]),
        "rpc_getaccount_1thread_ratio": round(account_1["rps"] / base_1["account"], 3),
        "rpc_getaccount_1thread_p99_ms": round(account_1["p99_ms"], 2),
        "rpc_overload_ok": over["ok"],
        "rpc_overload_503": over["s503"],
        "rpc_overload_other_errors": over["other"],
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--builddir", default=os.path.join(SRCDIR, "build"))
    p.add_argument("--seconds", type=int, default=5, help="per wrk run (default 5)")
    p.add_argument("--connections", type=int, default=64, help="keep-alive connections (64)")
    p.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    p.add_argument("--accounts", type=int, default=300, help="funded accounts (300)")
    p.add_argument("--http-threads", type=int, default=2,
                   help="HTTP threads of rostrad (-rpchttpthreads) and of the baseline "
                        "(default 2, rostrad's default)")
    p.add_argument("--node-arg", dest="node_args", action="append", default=[],
                   help="an extra rostrad option for the throughput runs (may repeat)")
    opts = p.parse_args()
    if shutil.which("wrk") is None:
        log("wrk is not installed (contrib/install-deps.sh --bench)")
        return 1
    tmp = tempfile.mkdtemp(prefix="rostra-bench-rpc-")
    node = Node(opts.builddir, os.path.join(tmp, "node"))
    try:
        figures = bench(opts, tmp, node)
    except (BenchError, OSError) as e:
        log(f"failed: {e}")
        return 1
    finally:
        node.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(figures), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
