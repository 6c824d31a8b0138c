#!/usr/bin/env python3
"""Where rostrad listens: P2P and RPC on one port is refused at start-up;
127.0.0.1 held by another program stops start-up (rostra-cli would send the
cookie there); a missing ::1 is only a warning."""
import socket

from framework import RostraTest, assert_equal, assert_in, assert_true, free_port


class NodePortsTest(RostraTest):
    def run_test(self):
        node = self.add_node()
        self.node = node

        self.log("-port equal to -rpcport: refused, nothing left behind")
        port = free_port()
        self.fails([f"-port={port}", f"-rpcport={port}"],
                   f"cannot bind P2P and RPC to the same port {port}")
        self.log("-listen=0 with the same port: no P2P listener, so it starts")
        node.start([f"-port={node.rpc_port}", "-listen=0"])
        assert_equal(node.rpc.getnetworkinfo()["listening"], False)
        node.stop()

        self.log("127.0.0.1 held by another program: start-up fails")
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
            held.bind(("127.0.0.1", 0))
            held.listen(1)
            taken = held.getsockname()[1]
            self.fails([f"-rpcport={taken}"], f"cannot bind RPC to 127.0.0.1 port {taken}")

        self.log("::1 held by another program: a warning, and RPC works on 127.0.0.1")
        try:
            held6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            held6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            held6.bind(("::1", node.rpc_port))
            held6.listen(1)
        except OSError as e:
            self.log(f"no IPv6 loopback here ({e}); the ::1 case is not exercised")
            return
        with held6:
            node.start()
            assert_true(node.rpc.uptime() >= 0)
            assert_in(f"cannot bind RPC to ::1 port {node.rpc_port}", node.log())
            node.stop()

    def fails(self, args, text):
        proc = self.node.run_rostrad(*args)
        assert_equal(proc.returncode, 1, f"exit status for {args} ({proc.stderr!r})")
        lines = proc.stderr.strip().splitlines()
        assert_equal(len(lines), 1, f"one line for {args}: {proc.stderr!r}")
        assert_in(text, lines[0])
        assert_true(self.node.read_file(".cookie") is None, "a failed start left a cookie")


if __name__ == "__main__":
    NodePortsTest().main()
