#!/usr/bin/env python3
"""RPC credentials and access: the cookie (mode 0600, rewritten at each
start, deleted at exit), -rpcuser/-rpcpassword (no cookie then), -rpcauth
(Bitcoin Core's share/rpcauth format), bad credential flags, and
-rpcbind/-rpcallowip (loopback unless both are given; other peers 403)."""
import socket

from framework import RostraTest, RPCError, assert_equal, assert_in, assert_true

# Bitcoin Core's vector (test/functional/rpc_users.py).
RPCAUTH = "rt:93648e835a54c573682c2eb19f882535$7681e9c5b74bdd85e78166031d2058e1069b3ed7ed967c93fc63abba06f31144"
RTPASS = "cA773lm788buwYe4g4WT+05pKyNruVKjQ25x3n0DQcM="


def local_address():
    """A non-loopback IPv4 address of this machine, or None."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # no packet is sent
            addr = s.getsockname()[0]
        return None if addr.startswith("127.") else addr
    except OSError:
        return None


class RPCAuthTest(RostraTest):
    def run_test(self):
        self.password_and_rpcauth()
        self.bad_flags()
        self.bind_and_allow()

    def status(self, client):
        try:
            client.uptime()
            return 200
        except RPCError as e:
            return e.http_status

    def password_and_rpcauth(self):
        node = self.add_node(extra_args=["-rpcuser=alice", "-rpcpassword=secret pass:1",
                                         f"-rpcauth={RPCAUTH}"],
                             rpc_auth=("alice", "secret pass:1"))
        node.start()
        self.log("-rpcpassword: no cookie is written")
        assert_true(node.read_file(".cookie") is None, "cookie written despite -rpcpassword")
        assert_equal(self.status(node.rpc_as("alice", "secret pass:1")), 200)
        assert_equal(self.status(node.rpc_as("alice", "secret pass:")), 401)
        assert_equal(self.status(node.rpc_as("alice2", "secret pass:1")), 401)
        self.log("-rpcauth accepts its user with the right password only")
        assert_equal(self.status(node.rpc_as("rt", RTPASS)), 200)
        assert_equal(self.status(node.rpc_as("rt", RTPASS[:-1])), 401)
        assert_equal(self.status(node.rpc_as("rt", "secret pass:1")), 401)
        assert_equal(self.status(node.rpc_as("__cookie__", "x")), 401)
        node.rpc_as("rt", RTPASS).stop()
        assert_equal(node.wait_exit(), 0)

    def expect_start_error(self, node, args, text):
        proc = node.run_rostrad(*args)
        assert_equal(proc.returncode, 1, f"exit status for {args}")
        lines = proc.stderr.strip().splitlines()
        assert_equal(len(lines), 1, f"stderr for {args}: {proc.stderr!r}")
        assert_in(text, lines[0])

    def bad_flags(self):
        node = self.add_node()
        self.log("bad credential and access flags stop start-up with one line")
        self.expect_start_error(node, ["-rpcuser=bob"], "-rpcuser needs -rpcpassword")
        self.expect_start_error(node, ["-rpcuser=a:b", "-rpcpassword=x"], "invalid -rpcuser")
        self.expect_start_error(node, ["-rpcpassword=x"], "-rpcpassword needs -rpcuser")
        self.expect_start_error(node, ["-rpcauth=nope"], "invalid -rpcauth")
        self.expect_start_error(node, ["-rpcauth=rt:salt$abcd"], "the hmac is not 64 hex digits")
        self.expect_start_error(node, ["-rpcallowip=10.0.0.0/33"], "invalid -rpcallowip: '10.0.0.0/33'")
        self.expect_start_error(node, ["-rpcallowip=example.com"], "invalid -rpcallowip")
        self.expect_start_error(node, ["-rpcallowip=10.0.0.1", "-rpcbind=[::1"], "invalid -rpcbind")
        assert_true(node.read_file(".cookie") is None, "a failed start left a cookie")

    def bind_and_allow(self):
        node = self.add_node()
        self.log("-rpcbind without -rpcallowip binds loopback only, with a warning")
        node.start(["-rpcbind=0.0.0.0"])
        assert_in("-rpcbind ignored", node.log())
        assert_in("listening on 127.0.0.1", node.log())
        assert_equal(node.stop(), 0)
        self.log("-rpcallowip without -rpcbind: loopback only, with a warning")
        node.start(["-rpcallowip=10.0.0.0/8"])
        assert_in("-rpcallowip without -rpcbind", node.log())
        assert_equal(node.stop(), 0)

        addr = local_address()
        if addr is None:
            self.log("no non-loopback address: skipping the 403 check")
            return
        self.log(f"-rpcbind={addr} -rpcallowip: a peer outside the subnets gets 403")
        node.start([f"-rpcbind={addr}", "-rpcbind=127.0.0.1", "-rpcallowip=10.255.255.0/24"])
        cookie = node.read_file(".cookie").strip().split(":", 1)
        outside = node.rpc_as(*cookie)
        outside.host = addr
        res = outside.request_raw('{"method":"uptime","id":1}')
        assert_equal(res.status, 403)
        assert_in("not in -rpcallowip", node.log())
        assert_true(node.rpc.uptime() >= 0)  # loopback is always allowed
        assert_equal(node.stop(), 0)
        node.start([f"-rpcbind={addr}", "-rpcbind=127.0.0.1", f"-rpcallowip={addr}/32"])
        inside = node.rpc_as(*node.read_file(".cookie").strip().split(":", 1))
        inside.host = addr
        assert_true(inside.uptime() >= 0)
        assert_equal(node.stop(), 0)


if __name__ == "__main__":
    RPCAuthTest().main()
