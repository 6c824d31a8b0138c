#!/usr/bin/env python3
"""Transaction relay along a line A - B - C (A the validator): a
transaction sent to C reaches A's mempool and A's next block, which then
reaches C; an invalid transaction is refused at C and not relayed; the
wallet's transactions on A are announced to B and C."""
from framework import RostraTest, RPCError, TestFailure, assert_equal, assert_true, wait_until
from framework.chain import new_key, read_key, transfer, txid_of
from framework.p2p import peer_addr, share_genesis, wait_tip


def in_mempool(node, txid):
    return txid in node.rpc.getrawmempool()


class P2PRelayTest(RostraTest):
    def run_test(self):
        a, b, c = self.add_node(), self.add_node(), self.add_node()
        a.start([f"-connect={peer_addr(b)}"])
        a.rpc.generate(1)
        share_genesis(a, b)
        share_genesis(a, c)
        b.start([f"-connect={peer_addr(a)}"])
        c.start([f"-connect={peer_addr(b)}"])
        wait_tip([a, b, c])
        chain = a.rpc.getblockchaininfo()["chainid"]
        funded = read_key(a, "funded_key")
        _, to = new_key()

        self.log("a transaction sent to C reaches A's mempool and the next block")
        tx0 = transfer(funded, chain, 0, to, 1000)
        txid = c.rpc.sendrawtransaction(tx0)
        assert_equal(txid, txid_of(tx0))
        wait_until(lambda: in_mempool(a, txid), timeout=30, what="the tx at A")
        assert_true(in_mempool(b, txid), "B holds it too")
        [block] = a.rpc.generate(1)
        assert_true(txid in [t if isinstance(t, str) else t["txid"]
                             for t in a.rpc.getblock(block, 1)["tx"]], "the tx in A's block")
        wait_tip([a, b, c])
        wait_until(lambda: c.rpc.getrawmempool() == [], timeout=30, what="C's mempool emptied")

        self.log("a transaction with a bad signature is refused at C and not relayed")
        bad = bytearray.fromhex(transfer(funded, chain, 1, to, 5))
        bad[-1] ^= 1
        try:
            c.rpc.sendrawtransaction(bad.hex())
            raise TestFailure("a badly signed transaction was accepted")
        except RPCError as e:
            assert_true(e.code in (-22, -25, -26), f"error {e.code}: {e.message}")
        assert_equal(c.rpc.getrawmempool(), [])
        self.log("the wallet's transactions on A reach C")
        wtx = a.rpc.post("hello from the validator's wallet")
        wait_until(lambda: in_mempool(c, wtx), timeout=30, what="the wallet's tx at C")
        a.rpc.generate(1)
        wait_tip([a, b, c])
        assert_equal(c.rpc.getpost(wtx)["body"], "hello from the validator's wallet")
        assert_true(all(len(n.rpc.getpeerinfo()) >= 1 for n in (a, b, c)), "peers kept")


if __name__ == "__main__":
    P2PRelayTest().main()
