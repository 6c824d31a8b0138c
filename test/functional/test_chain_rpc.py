#!/usr/bin/env python3
"""The chain, validators and regtest methods on a regtest node: blocks on
demand, transactions through the mempool into blocks with receipts, every
method's result fields and its error paths (-5, -8, -22, -25/-26,
-32602)."""
from framework import RostraTest, assert_equal, assert_in, assert_raises_rpc, assert_true
from framework.chain import address, new_key, post, read_key, transfer, txid_of
import rostra_protocol as rp


class ChainRPCTest(RostraTest):
    def run_test(self):
        node = self.add_node()
        node.start()
        self.rpc = rpc = node.rpc
        self.funded = read_key(node, "funded_key")
        info = rpc.getblockchaininfo()
        assert_equal(info["chain"], "regtest")
        assert_equal(info["blocks"], 0)
        assert_equal(info["initialsync"], False)
        assert_equal(info["bestpeerheight"], 0)
        assert_equal(info["progress"], 1.0)
        assert_true(info["chainid"].startswith("regtest-"))
        assert_equal(info["chainid"][8:], info["genesishash"][:8])
        assert_equal(info["bestblockhash"], info["genesishash"])
        self.chain_id = info["chainid"]
        assert_equal(rpc.getblockcount(), 0)
        self.blocks()
        self.transactions()
        self.mempool_errors()
        self.validators()
        self.regtest()
        self.no_more_errors()
        assert_equal(node.stop(), 0)

    def blocks(self):
        rpc = self.rpc
        self.log("generate, getblockhash, getblock, getblockheader, getcommit")
        hashes = rpc.generate(3)
        assert_equal(len(hashes), 3)
        assert_equal(rpc.getblockcount(), 3)
        assert_equal(rpc.getbestblockhash(), hashes[-1])
        for h, bh in enumerate(hashes, 1):
            assert_equal(rpc.getblockhash(h), bh)
        b = rpc.getblock(hashes[1])
        assert_equal(b["height"], 2)
        assert_equal(b["previousblockhash"], hashes[0])
        assert_equal(b["nextblockhash"], hashes[2])
        assert_equal(b["confirmations"], 2)
        assert_equal(b["tx"], [])
        assert_equal(b["validatorshash"], b["nextvalidatorshash"])
        raw = rpc.getblock(hashes[1], 0)
        assert_equal(len(raw), 2 * b["size"])
        hdr = rpc.getblockheader(hashes[1])
        assert_equal(hdr["stateroot"], b["stateroot"])
        hexhdr = rpc.getblockheader(hashes[1], False)
        assert_equal(rp.block_id(rp.decode_header(bytes.fromhex(hexhdr))).hex(), hashes[1])
        assert_true(raw.startswith(hexhdr))
        c = rpc.getcommit(2)
        assert_equal((c["height"], c["blockhash"], c["size"], c["signed"]), (2, hashes[1], 1, 1))
        assert_equal(rpc.getcommit()["height"], 3)
        assert_equal(rpc.getblockchaininfo()["stateroot"], rpc.getblock(hashes[2])["stateroot"])
        times = [rpc.getblock(h)["time"] for h in hashes]
        assert_true(times[0] < times[1] < times[2], "header times strictly increase")

        self.log("block errors")
        for bad in ["", "00", "zz" * 32, "0" * 63]:
            assert_raises_rpc(-8, rpc.getblock, bad)
            assert_raises_rpc(-8, rpc.getblockheader, bad)
        assert_raises_rpc(-5, rpc.getblock, "11" * 32)
        assert_raises_rpc(-5, rpc.getblockheader, "11" * 32)
        assert_raises_rpc(-8, rpc.getblock, hashes[0], 3)
        assert_raises_rpc(-8, rpc.getblock, hashes[0], -1)
        assert_raises_rpc(-32602, rpc.getblock, hashes[0], "1")
        assert_raises_rpc(-8, rpc.getblockhash, 0)
        assert_raises_rpc(-8, rpc.getblockhash, 4)
        assert_raises_rpc(-8, rpc.getblockhash, -1)
        assert_raises_rpc(-32602, rpc.getblockhash)
        assert_raises_rpc(-32602, rpc.getblockhash, "1")
        assert_raises_rpc(-8, rpc.getcommit, 0)
        assert_raises_rpc(-8, rpc.getcommit, 4)
        self.hashes = hashes

    def transactions(self):
        rpc = self.rpc
        self.log("sendrawtransaction, getrawmempool, gettransaction, decoderawtransaction")
        other = new_key()
        t1 = transfer(self.funded, self.chain_id, 0, other[1], 123456)
        t2 = post(self.funded, self.chain_id, 1, "hello chain", tags=["intro"])
        d = rpc.decoderawtransaction(t1)
        assert_equal((d["type"], d["nonce"], d["amount"]), ("transfer", 0, 123456))
        assert_equal(d["to"], address(other[1]))
        assert_equal(d["sender"], address(self.funded[1]))
        assert_equal(d["txid"], txid_of(t1))
        id1 = rpc.sendrawtransaction(t1)
        assert_equal(id1, txid_of(t1))
        id2 = rpc.sendrawtransaction(t2)
        assert_equal(rpc.getrawmempool(), [id1, id2])
        mi = rpc.getmempoolinfo()
        assert_equal(mi["size"], 2)
        assert_equal(mi["bytes"], (len(t1) + len(t2)) // 2)
        pending = rpc.gettransaction(id1)
        assert_equal((pending["inmempool"], pending["status"], pending["height"]),
                     (True, "pending", None))
        bh = rpc.generate(1)[0]
        assert_equal(rpc.getrawmempool(), [])
        assert_equal(rpc.getmempoolinfo()["size"], 0)
        blk = rpc.getblock(bh)
        assert_equal(blk["tx"], [id1, id2])
        blk2 = rpc.getblock(bh, 2)
        assert_equal([t["txid"] for t in blk2["tx"]], [id1, id2])
        assert_equal(blk2["tx"][1]["body"], "hello chain")
        assert_equal(blk2["tx"][1]["tags"], ["intro"])
        assert_equal(blk2["tx"][0]["status"], "ok")
        got = rpc.gettransaction(id2)
        assert_equal((got["height"], got["index"], got["status"], got["code"], got["blockhash"]),
                     (4, 1, "ok", 0, bh))
        assert_equal(got["hex"], t2)
        assert_equal(got["inmempool"], False)

        self.log("a failed action is included, pays its fee, and its receipt says why")
        t3 = transfer(self.funded, self.chain_id, 2, self.funded[1], 1)  # to itself: ok
        bad = post(self.funded, self.chain_id, 3, "reply", parent=bytes(32))
        rpc.sendrawtransaction(t3)
        badid = rpc.sendrawtransaction(bad)
        rpc.generate(1)
        r = rpc.gettransaction(badid)
        assert_equal((r["status"], r["codename"]), ("failed", "post_parent_unknown"))
        assert_in("parent", r["message"])

        self.log("transaction errors")
        assert_raises_rpc(-8, rpc.gettransaction, "xyz")
        assert_raises_rpc(-5, rpc.gettransaction, "22" * 32)
        for bad_hex in ["", "zz", "0", "01"]:
            assert_raises_rpc(-22, rpc.decoderawtransaction, bad_hex)
            assert_raises_rpc(-22, rpc.sendrawtransaction, bad_hex)
        assert_raises_rpc(-22, rpc.decoderawtransaction, "00" * 9000)
        assert_raises_rpc(-32602, rpc.sendrawtransaction)
        assert_raises_rpc(-32602, rpc.sendrawtransaction, 5)

    def mempool_errors(self):
        rpc = self.rpc
        self.log("mempool rejections: -26 with the reason, -25 for invalid ones")
        acct = rpc.getblockchaininfo()
        nonce = 4
        e = assert_raises_rpc(-26, rpc.sendrawtransaction,
                              transfer(self.funded, self.chain_id, nonce + 5, self.funded[1], 1))
        assert_in("nonce_too_high", e.message)
        e = assert_raises_rpc(-26, rpc.sendrawtransaction,
                              transfer(self.funded, self.chain_id, 0, self.funded[1], 1))
        assert_in("nonce_too_low", e.message)
        e = assert_raises_rpc(-26, rpc.sendrawtransaction,
                              transfer(self.funded, self.chain_id, nonce, self.funded[1], 1, fee=1))
        assert_in("fee_too_low", e.message)
        poor = new_key()
        e = assert_raises_rpc(-26, rpc.sendrawtransaction,
                              transfer(poor, self.chain_id, 0, self.funded[1], 1))
        assert_in("fee_exceeds_balance", e.message)
        e = assert_raises_rpc(-25, rpc.sendrawtransaction,
                              transfer(self.funded, "regtest-00000000", nonce, self.funded[1], 1))
        assert_in("wrong_chain", e.message)
        good = transfer(self.funded, self.chain_id, nonce, self.funded[1], 1)
        raw = bytearray(bytes.fromhex(good))
        raw[-1] ^= 1
        e = assert_raises_rpc(-25, rpc.sendrawtransaction, raw.hex())
        assert_in("signature", e.message)
        rpc.sendrawtransaction(good)
        e = assert_raises_rpc(-26, rpc.sendrawtransaction, good)
        assert_in("duplicate", e.message)
        assert_equal(acct["blocks"], 5)
        rpc.generate(1)

    def validators(self):
        rpc = self.rpc
        self.log("getvalidators, getconsensusstate, getstakes, getstateinfo")
        v = rpc.getvalidators()
        assert_equal(len(v["active"]), 1)
        vkey = read_key(self.nodes[0], "validator_key")[1].hex()
        assert_equal(v["active"][0]["consensuskey"], vkey)
        assert_equal(v["totalpower"], v["active"][0]["power"])
        assert_equal(v["validatorshash"], rpc.getblock(rpc.getbestblockhash())["validatorshash"])
        assert_equal(len(v["registered"]), 1)
        cs = rpc.getconsensusstate()
        assert_equal(cs["height"], rpc.getblockcount() + 1)
        assert_equal(cs["validator"], vkey)
        assert_equal(cs["lastsigned"]["step"], "precommit")
        assert_equal(cs["lastsigned"]["blockhash"], rpc.getbestblockhash())
        st = rpc.getstakes(v["active"][0]["operator"])
        assert_equal(st["total"], v["active"][0]["power"])
        assert_equal(rpc.getstakes(address(self.funded[1]))["stakes"], [])
        assert_raises_rpc(-5, rpc.getstakes, "rro1nothing")
        assert_raises_rpc(-5, rpc.getstakes, "tro1" + "q" * 58)
        assert_raises_rpc(-32602, rpc.getstakes)
        si = rpc.getstateinfo()
        assert_equal(si["stateroot"], rpc.getblockchaininfo()["stateroot"])
        assert_equal(si["height"], rpc.getblockcount())
        assert_equal(si["validators"], 1)
        assert_equal(si["params"]["min_fee_per_byte"], 10)

    def regtest(self):
        rpc = self.rpc
        self.log("setmocktime moves block time; times stay strictly increasing")
        tip_time = rpc.getblockchaininfo()["time"]
        future = tip_time // 1000 + 3600
        assert_equal(rpc.setmocktime(future), None)
        h = rpc.generate(1)[0]
        assert_equal(rpc.getblock(h)["time"], future * 1000)
        h = rpc.generate(1)[0]
        assert_equal(rpc.getblock(h)["time"], future * 1000 + 1)
        rpc.setmocktime(1)  # in the past: still after the parent
        h = rpc.generate(1)[0]
        assert_equal(rpc.getblock(h)["time"], future * 1000 + 2)
        rpc.setmocktime(0)
        assert_raises_rpc(-8, rpc.setmocktime, -1)
        assert_raises_rpc(-32602, rpc.setmocktime)
        assert_raises_rpc(-8, rpc.generate, 0)
        assert_raises_rpc(-8, rpc.generate, 1001)
        assert_raises_rpc(-32602, rpc.generate, "2")
        assert_equal(len(rpc.generate()), 1)

    def no_more_errors(self):
        assert_true(self.rpc.uptime() >= 0)


if __name__ == "__main__":
    ChainRPCTest().main()
