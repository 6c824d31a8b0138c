#!/usr/bin/env python3
"""Block sync against bad peers, from raw sockets: a peer that sends a
block whose commit does not verify is disconnected and discouraged; a
peer that says it is ahead but never delivers stalls, and the heights
asked from it are asked again from another peer, so the node still
reaches the validator's tip and state root."""
from framework import RostraTest, assert_equal, assert_in, assert_true, wait_until
from framework.p2p import (RawPeer, block_frame, frame, peer_addr, share_genesis, version_payload,
                           wait_tip)


class P2PStallTest(RostraTest):
    def raw_ahead(self, node, source, genesis_of, height):
        """A raw peer of node that claims height in its version."""
        info = genesis_of.rpc.getblockchaininfo()
        raw = RawPeer(node, source)
        raw.send(frame("version", version_payload(info["chainid"], info["genesishash"],
                                                  height=height)))
        raw.wait_for("version")
        raw.send(frame("verack", b""))
        raw.wait_for("verack")
        return raw

    def run_test(self):
        a, d = self.add_node(), self.add_node()
        a.start()
        for i in range(4):
            a.rpc.post(f"block content {i}")
            a.rpc.generate(5)
        share_genesis(a, d)
        d.start(["-listen=1"])

        self.log("a block whose commit does not verify gets its sender discouraged")
        bad = self.raw_ahead(d, "127.0.0.21", a, 20)
        bad.wait_for("getblocks")
        commit = bytearray.fromhex(a.rpc.getcommit(1)["hex"])
        commit[-1] ^= 1  # a signature byte
        bad.send(block_frame(a, 1, commit))
        assert_true(bad.closed(), "the sender of the bad block is disconnected")
        wait_until(lambda: any("(127.0.0.21:" in line and "misbehaved" in line
                               for line in d.log().splitlines()),
                   timeout=30, what="the bad block's sender blamed")
        assert_true(d.rpc.getblockcount() == 0, "the bad block was not joined")

        self.log("a peer that never delivers stalls; another peer serves the heights")
        slow = self.raw_ahead(d, "127.0.0.22", a, 20)
        slow.wait_for("getblocks")
        info = d.rpc.getblockchaininfo()  # a peer is ahead: catching up
        assert_equal((info["initialsync"], info["bestpeerheight"], info["blocks"], info["progress"]),
                     (True, 20, 0, 0.0))
        d.rpc.addnode(peer_addr(a), "onetry")
        wait_tip([a, d], timeout=60)
        assert_in("stalled at peer", d.log())
        assert_true(slow.ping(), "a slow peer is not punished")
        slow.close()


if __name__ == "__main__":
    P2PStallTest().main()
