#!/usr/bin/env python3
"""Block sync: a validator and full nodes in a line (A - B - C) started
with A's genesis: blocks made before and after they start reach every node
with the same tip and state root; a node killed with -9 catches up after a
restart; a new node syncs from an empty data directory."""
from framework import RostraTest, assert_equal, wait_until
from framework.p2p import peer_addr, share_genesis, wait_tip


class P2PSyncTest(RostraTest):
    def run_test(self):
        a, b, c = self.add_node(), self.add_node(), self.add_node()
        # A keeps to B only, so that C hears of blocks through B.
        a.start([f"-connect={peer_addr(b)}"])
        for i in range(4):
            a.rpc.post(f"before the full nodes {i}")
            a.rpc.generate(5)
        assert_equal(a.rpc.getblockcount(), 20)
        share_genesis(a, b)
        share_genesis(a, c)
        b_args = [f"-connect={peer_addr(a)}"]
        c_args = [f"-connect={peer_addr(b)}"]
        b.start(b_args)
        c.start(c_args)
        self.log("B and C catch up from height 0")
        info = wait_tip([a, b, c])
        assert_equal(info["blocks"], 20)
        wait_until(lambda: "sync: caught up at height 20" in c.log(), timeout=30,
                   what="C's log line for the end of its sync")

        self.log("new blocks are announced along the line")
        for i in range(3):
            a.rpc.post(f"after {i}")
            a.rpc.generate(1)
            wait_tip([a, b, c])

        self.log("C killed with -9 catches up after a restart")
        c.kill()
        a.rpc.generate(10)
        wait_tip([a, b])
        c.start(c_args)
        info = wait_tip([a, b, c])
        assert_equal(info["blocks"], 33)

        self.log("a new node syncs from an empty data directory through C")
        d = self.add_node()
        share_genesis(a, d)
        d.start([f"-connect={peer_addr(c)}"])
        wait_tip([a, b, c, d])
        for n in (b, c, d):
            assert_equal(n.rpc.getstateinfo(), a.rpc.getstateinfo())
        wait_until(lambda: not d.rpc.getnetworkinfo()["initialsync"], timeout=30,
                   what="D out of initial sync")
        assert_equal(d.rpc.getnetworkinfo()["bestpeerheight"], 33)
        # getblockchaininfo (an RPC worker) sees the state the sync loop
        # published: out of initial sync, peers at its own height.
        wait_until(lambda: not d.rpc.getblockchaininfo()["initialsync"], timeout=30,
                   what="getblockchaininfo out of initial sync")
        info = d.rpc.getblockchaininfo()
        assert_equal(info["bestpeerheight"], 33)
        assert_equal(info["blocks"], 33)
        assert_equal(info["progress"], 1.0)


if __name__ == "__main__":
    P2PSyncTest().main()
