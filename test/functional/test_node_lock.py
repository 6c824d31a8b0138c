#!/usr/bin/env python3
"""A second rostrad on the same data directory (and network) is refused
with a clear message while the first keeps running; another network's
folder in the same data directory is a different lock."""
from framework import RostraTest, assert_equal, assert_in, assert_true


class NodeLockTest(RostraTest):
    def run_test(self):
        node = self.add_node()
        node.start()
        self.log("a second instance on the same directory is refused")
        second = self.add_node(datadir=node.datadir)
        proc = second.run_rostrad()
        assert_equal(proc.returncode, 1)
        lines = proc.stderr.strip().splitlines()
        assert_equal(len(lines), 1, proc.stderr)
        assert_in("cannot lock the data directory", lines[0])
        assert_in("already running", lines[0])
        self.log("the first one is unharmed")
        assert_true(node.rpc.uptime() >= 0)
        assert_true(node.read_file(".cookie") is not None, "the second instance removed the cookie")
        assert_equal(node.pid_from_file(), node.process.pid)
        self.log("the same data directory on another network is another lock")
        other = self.add_node(datadir=node.datadir, chain="testnet")
        other.start()
        assert_true(other.rpc.uptime() >= 0)
        assert_equal(other.stop(), 0)
        assert_equal(node.stop(), 0)
        self.log("after a stop the directory can be used again")
        node.start()
        assert_equal(node.stop(), 0)


if __name__ == "__main__":
    NodeLockTest().main()
