#!/usr/bin/env python3
"""contrib/devnet.sh with the programs already built (ROSTRA_BUILDDIR):
it creates a testnet, starts it, waits for blocks, prints how to talk to
it; rostra-cli getblockchaininfo answers; status and stop work, and a
second start reuses the same chain."""
import os
import subprocess

from framework import RostraTest, assert_equal, assert_in, assert_true
from framework.node import builddir, srcdir


class DevnetScriptTest(RostraTest):
    def devnet(self, *args):
        env = dict(os.environ, DEVNET_DIR=self.dir, DEVNET_EMPTY_INTERVAL="1",
                   ROSTRA_BUILDDIR=builddir())
        p = subprocess.run([os.path.join(srcdir(), "contrib", "devnet.sh")] + list(args),
                           capture_output=True, text=True, env=env, timeout=120)
        self.log(f"devnet.sh {' '.join(args)}: exit {p.returncode}")
        return p

    def run_test(self):
        self.dir = os.path.join(self.tmpdir, "devnet")
        p = self.devnet()
        try:
            assert_equal(p.returncode, 0, p.stdout + p.stderr)
            assert_in("devnet: running", p.stdout)
            assert_in("./contrib/devnet.sh stop", p.stdout)
            cli = [line.strip() for line in p.stdout.splitlines()
                   if line.strip().endswith("getblockchaininfo")][0]
            out = subprocess.run(cli.split(), capture_output=True, text=True, timeout=30)
            assert_equal(out.returncode, 0, out.stderr)
            assert_in('"chain": "testnet"', out.stdout)
            pid = int(open(os.path.join(self.dir, "node0", "testnet", "rostrad.pid")).read())
            self.track_pid(pid)
            assert_in("devnet: running", self.devnet("status").stdout)
            chainid = out.stdout
        finally:
            stop = self.devnet("stop")
        assert_equal(stop.returncode, 0, stop.stderr)
        assert_in("stopped", stop.stdout)
        assert_true(not os.path.exists(os.path.join(self.dir, "node0", "testnet", "rostrad.pid")))
        assert_in("not running", self.devnet("stop").stdout)

        self.log("a second start reuses the testnet")
        p = self.devnet("start")
        try:
            assert_equal(p.returncode, 0, p.stderr)
            out = subprocess.run(cli.split(), capture_output=True, text=True, timeout=30)
            assert_in(chainid.split('"chainid": ')[1].split(",")[0], out.stdout)
        finally:
            assert_equal(self.devnet("stop").returncode, 0)
        assert_equal(self.devnet("bogus").returncode, 2)


if __name__ == "__main__":
    DevnetScriptTest().main()
