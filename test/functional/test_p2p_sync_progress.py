#!/usr/bin/env python3
"""The catch-up progress line: a fresh node fed its chain slowly by a raw
peer (a block every 0.25 s, longer in all than the 5 s between progress
lines) logs `sync: height H of B, X blocks/s, about T s left` while
catching up, without taking the slow but steady peer for a stalled one,
and `sync: caught up at height B` at the end."""
import re
import time

from framework import RostraTest, assert_equal, assert_true, wait_until
from framework.p2p import block_frame, chain_behind_raw_peer, wait_tip

HEIGHT = 30
STEP_S = 0.25
PROGRESS = re.compile(r"sync: height (\d+) of (\d+), (\d+)\.(\d\d) blocks/s, about (\d+) s left")


class P2PSyncProgressTest(RostraTest):
    def run_test(self):
        a, d, raw = chain_behind_raw_peer(self, HEIGHT, "127.0.0.31")

        self.log(f"the raw peer sends a block every {STEP_S} s")
        for h in range(1, HEIGHT + 1):
            raw.send(block_frame(a, h))
            time.sleep(STEP_S)
        wait_tip([a, d])
        wait_until(lambda: f"sync: caught up at height {HEIGHT}" in d.log(), timeout=30,
                   what="the caught-up line")

        lines = [m for m in PROGRESS.finditer(d.log())]
        assert_true(lines, "a progress line while catching up")
        for m in lines:
            height, best, left = int(m.group(1)), int(m.group(2)), int(m.group(5))
            rate = int(m.group(3)) + int(m.group(4)) / 100
            self.log(f"  {m.group(0)}")
            assert_equal(best, HEIGHT)
            assert_true(0 < height < HEIGHT, f"height {height} during the sync")
            assert_true(rate > 0, "a rate above 0 blocks/s")
            assert_true(left <= (HEIGHT - height) / rate + 1, "the time left follows the rate")
        assert_true("stalled" not in d.log(), "a steady peer is not stalled")
        assert_true(raw.ping(), "the raw peer is still served")
        raw.close()


if __name__ == "__main__":
    P2PSyncProgressTest().main()
