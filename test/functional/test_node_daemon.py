#!/usr/bin/env python3
"""-daemon: rostrad returns 0 once the background node runs, which writes
its pid to rostrad.pid (removed at exit); a daemon that cannot start makes
rostrad return 1 with the reason."""
import os
import signal

from framework import RostraTest, assert_equal, assert_in, assert_true, wait_until


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


class NodeDaemonTest(RostraTest):
    def run_test(self):
        node = self.add_node()
        self.log("-daemon returns once the node runs")
        proc = node.run_rostrad("-daemon", timeout=30)
        assert_equal((proc.returncode, proc.stderr), (0, ""))
        pid = node.pid_from_file()
        assert_true(pid is not None and alive(pid), "no running daemon in rostrad.pid")
        self.track_pid(pid)
        node.wait_for_rpc()
        assert_true(node.rpc.uptime() >= 0)
        assert_in(f"rostrad started (pid {pid})", node.log())

        self.log("a second -daemon on the same directory fails in the foreground")
        proc = node.run_rostrad("-daemon")
        assert_equal(proc.returncode, 1)
        assert_in("already running", proc.stderr)

        self.log("a daemon that cannot start reports why (port in use)")
        other = self.add_node()
        proc = other.run_rostrad("-daemon", f"-rpcport={node.rpc_port}", "-rpcbind=127.0.0.1",
                                 "-rpcallowip=127.0.0.1")
        assert_equal(proc.returncode, 1)
        lines = proc.stderr.strip().splitlines()
        assert_equal(len(lines), 1, proc.stderr)
        assert_in("cannot bind RPC to 127.0.0.1", lines[0])
        wait_until(lambda: other.read_file("rostrad.pid") is None, what="no pid file after a failed start")
        assert_true(other.read_file(".cookie") is None, "a failed daemon left a cookie")

        self.log("SIGTERM stops the daemon; the pid file goes")
        os.kill(pid, signal.SIGTERM)
        wait_until(lambda: not alive(pid), timeout=15, what="the daemon to exit")
        assert_true(node.read_file("rostrad.pid") is None, "pid file left behind")
        assert_in("shutdown: done", node.log())


if __name__ == "__main__":
    NodeDaemonTest().main()
