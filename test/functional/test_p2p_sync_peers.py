#!/usr/bin/env python3
"""Block sync from two serving peers at once: a fresh node given -connect
to the validator A and to the full node B downloads from both (each is asked
for a share of the heights: a peer holds at most 128 heights in flight, and
the chain is longer than that), and reaches A's tip and state root."""
from framework import RostraTest, assert_equal, assert_true
from framework.p2p import peer_addr, share_genesis, wait_tip

HEIGHT = 200          # above the 128 heights one peer may have in flight
PER_PEER_BLOCKS = 20  # the least each serving peer must have sent


class P2PSyncPeersTest(RostraTest):
    def run_test(self):
        a, b, d = self.add_node(), self.add_node(), self.add_node()
        a.start()
        for _ in range(HEIGHT // 50):
            a.rpc.generate(50)
        assert_equal(a.rpc.getblockcount(), HEIGHT)
        share_genesis(a, b)
        b.start([f"-connect={peer_addr(a)}"])
        wait_tip([a, b])

        self.log("a fresh node syncs from A and B at once")
        share_genesis(a, d)
        d.start([f"-connect={peer_addr(a)}", f"-connect={peer_addr(b)}"])
        info = wait_tip([a, b, d])
        assert_equal(info["blocks"], HEIGHT)
        assert_equal(d.rpc.getstateinfo(), a.rpc.getstateinfo())

        # What D received from each: a block and its commit are a few
        # hundred bytes, the handshake and pings far less.
        block_bytes = len(bytes.fromhex(a.rpc.getblock(a.rpc.getblockhash(HEIGHT), 0)))
        # (A or B may also have dialled D since: only the -connect peers.)
        peers = [p for p in d.rpc.getpeerinfo() if p["connection_type"] == "manual"]
        assert_equal(len(peers), 2)
        for p in peers:
            self.log(f"  from {p['addr']}: {p['bytesrecv']} bytes")
            assert_true(p["bytesrecv"] > PER_PEER_BLOCKS * block_bytes,
                        f"peer {p['addr']} served blocks ({p['bytesrecv']} bytes received)")


if __name__ == "__main__":
    P2PSyncPeersTest().main()
