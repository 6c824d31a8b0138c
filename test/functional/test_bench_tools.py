#!/usr/bin/env python3
"""The benchmark programs' arguments and the baseline server that
contrib/bench_rpc.py measures RPC throughput against.

bench_evhttp: every bad argument (-port, -threads, -bind, an unknown one, a
port already taken) stops it with exit status 1 and one line naming it;
with -threads=2 it prints its port and answers every POST on keep-alive
connections with the same constant JSON-RPC reply, and a SIGTERM ends it
with exit status 0. bench_rostra: a bad argument stops it with exit status
2 and a line naming it, before any benchmark runs."""
import http.client
import json
import subprocess

from framework import RostraTest, assert_equal, assert_in, assert_true
from framework.node import program

REPLY = {"result": 0, "error": None, "id": 1}


class BenchToolsTest(RostraTest):
    def run_test(self):
        self.evhttp = program("bench/bench_evhttp")
        self.rostra = program("bench/bench_rostra")
        self.evhttp_bad_args()
        self.evhttp_serves()
        self.rostra_bad_args()

    def run(self, args, timeout=30):
        return subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout)

    def evhttp_fails(self, args, text):
        proc = self.run([self.evhttp] + args)
        assert_equal(proc.returncode, 1, f"exit status for {args} ({proc.stderr!r})")
        lines = proc.stderr.strip().splitlines()
        assert_equal(len(lines), 1, f"one line for {args}: {proc.stderr!r}")
        assert_true(lines[0].startswith("Error: "), lines[0])
        assert_in(text, lines[0], f"message for {args}")
        assert_equal(proc.stdout, "", f"nothing on stdout for {args}")

    def evhttp_bad_args(self):
        self.log("bench_evhttp: each bad argument is named")
        for args, text in [
            (["-port=abc"], "invalid value for -port: 'abc'"),
            (["-port=65536"], "invalid value for -port: '65536'"),
            (["-port=-1"], "invalid value for -port: '-1'"),
            (["-port="], "invalid value for -port: ''"),
            (["-threads=0"], "invalid value for -threads: '0' (1 to 64)"),
            (["-threads=65"], "invalid value for -threads: '65' (1 to 64)"),
            (["-threads=two"], "invalid value for -threads: 'two'"),
            (["-bind=localhost"], "invalid value for -bind: 'localhost' (a numeric address)"),
            (["-bind=300.1.1.1"], "invalid value for -bind: '300.1.1.1'"),
            (["-bind="], "unknown option -bind="),
            (["-bogus"], "unknown option -bogus"),
            (["port=1"], "unknown option port=1"),
        ]:
            self.evhttp_fails(args, text)

    def start_evhttp(self, args):
        proc = subprocess.Popen([self.evhttp] + args, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.track_pid(proc.pid)
        line = proc.stdout.readline().strip()
        assert_true(line.startswith("port "), f"first line {line!r}")
        return proc, int(line.split()[1])

    def stop_evhttp(self, proc):
        proc.terminate()
        proc.communicate(timeout=30)
        assert_equal(proc.returncode, 0, "bench_evhttp's exit status after SIGTERM")

    def evhttp_serves(self):
        self.log("bench_evhttp -threads=2: the constant reply on keep-alive connections")
        proc, port = self.start_evhttp(["-threads=2"])
        try:
            conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(8)]
            for round_ in range(3):
                for conn in conns:
                    body = json.dumps({"method": "getaccount", "params": ["x" * round_], "id": 7})
                    conn.request("POST", "/", body, {"Authorization": "Basic eDp5",
                                                     "Content-Type": "application/json"})
                    res = conn.getresponse()
                    assert_equal(res.status, 200)
                    assert_equal(res.getheader("Content-Type"), "application/json")
                    assert_equal(json.loads(res.read()), REPLY)
            for conn in conns:
                conn.close()
            self.log("bench_evhttp: a port already taken is named")
            self.evhttp_fails([f"-port={port}"], f"cannot bind 127.0.0.1 port {port}")
        finally:
            self.stop_evhttp(proc)

    def rostra_bad_args(self):
        self.log("bench_rostra: each bad argument stops it before any benchmark")
        for args, text in [
            (["-bogus"], "unknown option -bogus"),
            (["-seconds=x"], "invalid value for -seconds: 'x'"),
            (["-seconds=0"], "invalid value for -seconds"),
            (["-threads=abc"], "invalid value for -threads"),
            (["-threads=65"], "invalid value for -threads: '65' (1 to 64)"),
            (["-filter="], "invalid value for -filter: '' (no benchmark name contains it: "
                           "sha256, tx, lthash, ledger, feed)"),
            (["-filter=nomatch"], "invalid value for -filter: 'nomatch'"),
            (["-filter=tx", "-quick", "-x"], "unknown option -x"),
        ]:
            proc = self.run([self.rostra] + args, timeout=10)
            assert_equal(proc.returncode, 2, f"exit status for {args} ({proc.stderr!r})")
            assert_in(text, proc.stderr, f"message for {args}")
            assert_equal(proc.stdout, "", f"no figures for {args}")


if __name__ == "__main__":
    BenchToolsTest().main()
