#!/usr/bin/env python3
"""A peer that withholds the next block the chain needs cannot hold the
sync back by trickling the others.

A fresh node D first hears of the chain from a raw peer, which claims the
whole chain, so D asks it for every height. The raw peer then sends every
block but the first, one every TRICKLE_S seconds, and never block 1. D
also connects to A, which has the chain. Block 1 must be asked again from
A about 10 s (the stall time) after it was first asked, while the raw
peer is still trickling: a peer that keeps delivering other blocks is
not idle, but the next block is re-asked anyway (doc/p2p.md, block sync).
Before that rule, block 1 waited until the raw peer had been silent for
10 s, after its whole trickle."""
import threading
import time

from framework import RostraTest, assert_true, wait_until
from framework.p2p import block_frame, chain_behind_raw_peer, peer_addr, wait_tip

HEIGHT = 40
TRICKLE_S = 0.6          # HEIGHT - 1 blocks: about 23 s of trickling
STALL_S = 10             # NODE_SYNC_STALL_MS
MARGIN_S = 6             # the sync tick, the connection to A, a loaded machine


class P2PSyncWithholdTest(RostraTest):
    def run_test(self):
        a, d, raw = chain_behind_raw_peer(self, HEIGHT, "127.0.0.32")
        asked = time.monotonic()
        self.log("D asked the raw peer for blocks; it trickles all but block 1")

        blocks = {h: block_frame(a, h) for h in range(2, HEIGHT + 1)}
        trickling = threading.Event()
        trickling.set()

        def trickle():
            try:
                for h in range(2, HEIGHT + 1):
                    raw.send(blocks[h])
                    time.sleep(TRICKLE_S)
            except OSError:
                pass
            trickling.clear()

        thread = threading.Thread(target=trickle, daemon=True)
        thread.start()
        d.rpc.addnode(peer_addr(a), "onetry")

        wait_until(lambda: d.rpc.getblockcount() >= 1, timeout=STALL_S + MARGIN_S + 5,
                   what="block 1, asked again from A")
        waited = time.monotonic() - asked
        self.log(f"block 1 joined {waited:.1f} s after it was first asked")
        assert_true(trickling.is_set(), "block 1 came while the raw peer was still trickling")
        assert_true(waited < STALL_S + MARGIN_S, f"block 1 after {waited:.1f} s")
        assert_true("sync: block 1 stalled at peer" in d.log(),
                    "the stall of block 1 is logged")

        wait_tip([a, d])
        thread.join(timeout=60)
        raw.close()


if __name__ == "__main__":
    P2PSyncWithholdTest().main()
