#!/usr/bin/env python3
"""Signals: SIGTERM and SIGINT shut down cleanly (exit 0, files removed);
SIGHUP reopens debug.log so that a rotated log is left alone."""
import os
import signal

from framework import RostraTest, assert_equal, assert_in, assert_true, wait_until


class NodeSignalsTest(RostraTest):
    def run_test(self):
        node = self.add_node(extra_args=["-debug=rpc"])
        for sig, name in [(signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "SIGINT")]:
            self.log(f"{name}: clean exit")
            node.start()
            node.signal(sig)
            assert_equal(node.wait_exit(), 0)
            log = node.log()
            assert_in(f"received {name}, shutting down", log)
            assert_in("shutdown: done", log)
            assert_true(node.read_file(".cookie") is None and node.read_file("rostrad.pid") is None,
                        "files left behind")

        self.log("SIGHUP reopens debug.log")
        node.start()
        old = node.path("debug.log")
        os.rename(old, old + ".1")
        node.signal(signal.SIGHUP)
        wait_until(lambda: os.path.exists(old), what="a new debug.log")
        wait_until(lambda: "reopened debug.log" in node.log(), what="the reopen line")
        node.rpc.uptime()
        with open(old + ".1") as f:
            rotated = f.read()
        assert_in("rostrad started", rotated)
        assert_true("rostrad started" not in node.log(), "old lines in the new log")
        assert_equal(node.stop(), 0)
        assert_in("shutdown: done", node.log())
        with open(old + ".1") as f:
            assert_equal(f.read(), rotated, "the rotated log was written to")


if __name__ == "__main__":
    NodeSignalsTest().main()
