#!/usr/bin/env python3
"""help, uptime and stop over JSON-RPC: the method list by area, one
method's help, uptime counting, hidden test methods, and a clean stop that
removes the cookie and the pid file."""
import os
import time

from framework import RostraTest, assert_equal, assert_in, assert_raises_rpc, assert_true


class RPCBasicTest(RostraTest):
    def run_test(self):
        node = self.add_node()
        node.start()
        rpc = node.rpc

        self.log("help lists the methods by area")
        text = rpc.help()
        assert_true(text.startswith("== Control ==\n"), text)
        lines = text.splitlines()
        for usage in ['help ( "command" )', "stop", "uptime"]:
            assert_in(usage, lines)
        assert_true("echo" not in text and "delay" not in text, "hidden methods are listed")

        self.log("help METHOD gives arguments and result")
        h = rpc.help("help")
        assert_in("Arguments:\n1. command (string, optional)", h)
        assert_in("Result: string", h)
        assert_in("Result: integer", rpc.help("uptime"))
        assert_in("help ( \"command\" )", rpc.call("help", command="help"))
        assert_raises_rpc(-8, rpc.help, "nosuchmethod", message="unknown method 'nosuchmethod'")
        assert_in("Regtest only", rpc.help("echo"))

        self.log("uptime counts seconds")
        up = rpc.uptime()
        assert_true(isinstance(up, int) and up >= 0, up)
        time.sleep(1.1)
        assert_true(rpc.uptime() >= up + 1, "uptime did not advance")

        self.log("hidden test methods answer on regtest")
        assert_equal(rpc.echo(1, "x", {"k": [1]}), [1, "x", {"k": [1]}, None])
        assert_equal(rpc.call("echo", b=2), [None, 2, None, None])
        assert_equal(rpc.delay(50), 50)

        self.log("files while running")
        cookie = node.read_file(".cookie")
        assert_true(cookie.startswith("__cookie__:") and len(cookie) == 11 + 64, cookie)
        assert_equal(os.stat(node.path(".cookie")).st_mode & 0o777, 0o600)
        assert_equal(node.pid_from_file(), node.process.pid)

        self.log("stop answers, then the node exits cleanly")
        assert_equal(node.stop(), 0)
        assert_true(node.read_file(".cookie") is None, "cookie left behind")
        assert_true(node.read_file("rostrad.pid") is None, "pid file left behind")
        log = node.log()
        assert_in("stop requested over RPC", log)
        assert_in("shutdown: done", log)

        self.log("a restart writes a new cookie")
        node.start()
        assert_true(node.read_file(".cookie") != cookie, "cookie not rewritten")
        assert_equal(node.stop(), 0)


if __name__ == "__main__":
    RPCBasicTest().main()
