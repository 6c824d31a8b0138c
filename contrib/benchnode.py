"""What contrib/bench_rpc.py and contrib/bench_sync.py share: a regtest
rostrad on fresh loopback ports with cookie authentication, a JSON-RPC
client for it, and stopping what a benchmark started, by pid. Python
standard library only."""
import base64
import http.client
import json
import os
import signal
import subprocess
import sys
import time

# The functional tests' port picker (standard library only, like this file).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "test", "functional"))
from framework.util import free_port  # noqa: E402


class BenchError(Exception):
    pass


def logger(name):
    """A function printing "NAME: message" lines to stderr."""
    def log(msg):
        print(f"{name}: {msg}", file=sys.stderr, flush=True)
    return log


def stop_process(proc, timeout=30):
    """End a process this script started: SIGTERM, then SIGKILL."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def last_json(out, what):
    """The JSON object on the last non-empty line of a tool's stdout."""
    lines = [l for l in out.splitlines() if l.strip()]
    if not lines:
        raise BenchError(f"{what} printed nothing")
    return json.loads(lines[-1])


class Node:
    """A regtest rostrad in datadir, on fresh loopback ports (rpcport for
    RPC, port for P2P, bound to 127.0.0.1)."""

    def __init__(self, builddir, datadir):
        self.exe = os.path.join(builddir, "src", "rostrad")
        self.datadir = datadir
        self.proc = None
        self.rpcport = 0
        self.port = 0
        self.auth = None

    def start(self, extra, wait=True):
        """Start rostrad with extra options; with wait, return once it
        answers RPC."""
        self.rpcport = free_port()
        self.port = free_port()
        args = [self.exe, "-regtest", f"-datadir={self.datadir}", f"-rpcport={self.rpcport}",
                f"-port={self.port}", "-bind=127.0.0.1"] + list(extra)
        with open(os.path.join(self.datadir, "stderr.txt"), "wb") as err:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=err)
        if wait:
            self.wait_ready()

    def wait_ready(self, timeout=60):
        cookie = os.path.join(self.datadir, "regtest", ".cookie")
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                with open(os.path.join(self.datadir, "stderr.txt")) as f:
                    raise BenchError(f"rostrad exited with {self.proc.returncode}: "
                                     f"{f.read().strip()}")
            try:
                with open(cookie) as f:
                    self.auth = "Basic " + base64.b64encode(f.read().strip().encode()).decode()
                self.call("uptime")
                return
            except (OSError, BenchError, ValueError):
                time.sleep(0.02)
        raise BenchError("rostrad did not answer RPC in time")

    def post(self, body):
        conn = http.client.HTTPConnection("127.0.0.1", self.rpcport, timeout=120)
        try:
            conn.request("POST", "/", body=json.dumps(body),
                         headers={"Authorization": self.auth or "",
                                  "Content-Type": "application/json"})
            res = conn.getresponse()
            data = res.read()
        finally:
            conn.close()
        if res.status not in (200, 404, 500):
            raise BenchError(f"HTTP {res.status}: {data[:200]!r}")
        return json.loads(data)

    def call(self, method, *params):
        r = self.post({"method": method, "params": list(params), "id": 1})
        if r.get("error") is not None:
            raise BenchError(f"{method}: {r['error']}")
        return r["result"]

    def batch(self, method, params_list):
        """One batch of calls of method; their results in order."""
        reqs = [{"method": method, "params": p, "id": i} for i, p in enumerate(params_list)]
        out = []
        for r in sorted(self.post(reqs), key=lambda r: r["id"]):
            if r.get("error") is not None:
                raise BenchError(f"{method}: {r['error']}")
            out.append(r["result"])
        return out

    def stop(self):
        """The stop RPC, then SIGTERM/SIGKILL by pid if it is still up."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            self.call("stop")
            self.proc.wait(timeout=30)
        except (OSError, BenchError, ValueError, subprocess.TimeoutExpired):
            pass
        stop_process(self.proc)
