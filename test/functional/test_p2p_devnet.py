#!/usr/bin/env python3
"""contrib/devnet.sh runs a validator and two full nodes that follow it
over P2P: its output shows them at the same tip, node1 and node2 have no
validator key, and a later block reaches both full nodes."""
import json
import os
import subprocess

from framework import RostraTest, assert_equal, assert_in, assert_true, wait_until
from framework.node import builddir, srcdir


class P2PDevnetTest(RostraTest):
    def devnet(self, *args):
        env = dict(os.environ, DEVNET_DIR=self.dir, DEVNET_EMPTY_INTERVAL="1",
                   ROSTRA_BUILDDIR=builddir())
        p = subprocess.run([os.path.join(srcdir(), "contrib", "devnet.sh")] + list(args),
                           capture_output=True, text=True, env=env, timeout=150)
        self.log(f"devnet.sh {' '.join(args)}: exit {p.returncode}")
        return p

    def cli(self, k, *args):
        out = subprocess.run([os.path.join(builddir(), "src", "rostra-cli"),
                              f"-datadir={self.dir}/node{k}"] + list(args),
                             capture_output=True, text=True, timeout=30)
        assert_equal(out.returncode, 0, out.stderr)
        return out.stdout.strip()

    def run_test(self):
        self.dir = os.path.join(self.tmpdir, "devnet")
        p = self.devnet()
        try:
            for k in range(3):
                pidfile = os.path.join(self.dir, f"node{k}", "testnet", "rostrad.pid")
                if os.path.exists(pidfile):
                    self.track_pid(int(open(pidfile).read()))
            assert_equal(p.returncode, 0, p.stdout + p.stderr)
            assert_in("every node at the same tip", p.stdout)
            for k in range(3):
                assert_in(f"  node{k} (pid ", p.stdout)
            for k in (1, 2):
                assert_true(not os.path.exists(os.path.join(self.dir, f"node{k}", "testnet",
                                                            "validator_key")), f"node{k} full")
            h = int(self.cli(0, "getblockcount"))
            self.log("later blocks reach both full nodes with the same state root")

            def synced():
                infos = [json.loads(self.cli(k, "getblockchaininfo")) for k in range(3)]
                tips = {(i["bestblockhash"], i["stateroot"]) for i in infos}
                return len(tips) == 1 and infos[0]["blocks"] > h
            wait_until(synced, timeout=60, interval=0.3, what="the three nodes past height %d" % h)
            assert_in("devnet: running", self.devnet("status").stdout)
        finally:
            stop = self.devnet("stop")
        assert_equal(stop.returncode, 0, stop.stderr)


if __name__ == "__main__":
    P2PDevnetTest().main()
