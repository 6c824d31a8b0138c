#!/usr/bin/env python3
"""getaccount as the HTTP thread answers it (a lone call) and as a worker
does (inside a batch): the same object both ways; pendingnonce from the
mempool's shared view while transactions are pending, and never going back
while blocks take them; the reply's address is the given one in lower
case; every address rejection (-5), including a key that is not on the
curve, which is checked only for an account the state does not hold."""
import threading

import rostra_protocol as rp
from framework import RostraTest, assert_equal, assert_raises_rpc, assert_true
from framework.chain import address, new_key


def off_curve_key():
    """32 bytes that are not an x-only public key."""
    for i in range(256):
        key = bytes([i]) * 32
        if not rp.is_valid_xonly(key):
            return key
    raise AssertionError("no off-curve key found")


class GetAccountTest(RostraTest):
    def run_test(self):
        self.node = node = self.add_node()
        node.start()
        self.rpc = node.rpc
        self.funded = self.rpc.listaddresses()[0]["address"]
        self.pending()
        self.addresses()
        self.rejections()
        self.never_back()

    def both_ways(self, account):
        """getaccount alone and in a batch; they must agree."""
        lone = self.rpc.getaccount(account)
        reply = self.rpc.batch([{"method": "getaccount", "params": [account], "id": 7}])
        assert_equal(reply[0]["error"], None)
        assert_equal(reply[0]["result"], lone, "batch (worker) and lone (HTTP thread) differ")
        return lone

    def pending(self):
        rpc = self.rpc
        self.log("pendingnonce counts the pending transactions, on both paths")
        before = self.both_ways(self.funded)
        assert_equal(before["pendingnonce"], before["nonce"])
        for i in range(3):
            rpc.post(f"pending {i}")
        now = self.both_ways(self.funded)
        assert_equal(now["nonce"], before["nonce"])
        assert_equal(now["pendingnonce"], before["nonce"] + 3)
        rpc.generate(1)
        after = self.both_ways(self.funded)
        assert_equal(after["nonce"], before["nonce"] + 3)
        assert_equal(after["pendingnonce"], after["nonce"])

    def addresses(self):
        rpc = self.rpc
        self.log("the address of the reply is the given one, in lower case")
        assert_equal(self.both_ways(self.funded.upper())["address"], self.funded)
        fresh = rpc.getnewaddress()
        acc = self.both_ways(fresh)
        assert_equal((acc["address"], acc["balance"], acc["nonce"], acc["pendingnonce"]),
                     (fresh, 0, 0, 0))
        unused = address(new_key()[1])
        assert_equal(self.both_ways(unused)["address"], unused)
        handle = rpc.getaccount(self.funded)["handle"]
        if handle:
            assert_equal(rpc.getaccount("@" + handle)["address"], self.funded)

    def rejections(self):
        rpc = self.rpc
        self.log("every bad address is -5, alone and in a batch")
        off = address(off_curve_key())
        good = self.funded
        flipped = good[:-1] + ("q" if good[-1] != "q" else "p")
        bad = [
            off,                                   # checksum fine, not on the curve
            off.upper(),
            address(new_key()[1], "main"),         # another network
            good[:5] + good[5:].upper(),           # mixed case
            flipped,                               # wrong checksum
            "rro1",
            "",
            "@nobody",
        ]
        for a in bad:
            assert_raises_rpc(-5, rpc.getaccount, a)
            reply = self.rpc.batch([{"method": "getaccount", "params": [a], "id": 1}])
            assert_equal(reply[0]["error"]["code"], -5, f"batch getaccount {a!r}")
        e = assert_raises_rpc(-5, rpc.getaccount, off)
        assert_equal(e.message, f"invalid address '{off}'")

    def never_back(self):
        rpc = self.rpc
        self.log("while blocks take pending transactions, pendingnonce never goes back")
        node = self.node
        errors = []

        def produce():
            try:
                w = node.rpc_as(rpc.user, rpc.password)
                for _ in range(6):
                    for i in range(4):
                        w.post(f"race {i}")
                    w.generate(1)
            except Exception as e:  # reported below
                errors.append(e)

        t = threading.Thread(target=produce)
        t.start()
        last = 0
        reader = node.rpc_as(rpc.user, rpc.password)
        polls = 0
        while t.is_alive() or polls < 50:
            acc = reader.getaccount(self.funded)
            assert_true(acc["pendingnonce"] >= acc["nonce"], repr(acc))
            assert_true(acc["pendingnonce"] >= last, f"pendingnonce went back: {last} -> {acc}")
            last = acc["pendingnonce"]
            polls += 1
        t.join()
        assert_equal(errors, [])
        final = rpc.getaccount(self.funded)
        assert_equal(final["pendingnonce"], final["nonce"])
        assert_equal(last, final["nonce"])


if __name__ == "__main__":
    GetAccountTest().main()
