#!/usr/bin/env python3
"""A second validator registers and is staked (transactions built in
Python, sent with sendrawtransaction): the state records it, the active
set stays the genesis set (doc/consensus.md), and blocks go on, each
signed by the genesis validator alone."""
from framework import RostraTest, assert_equal, assert_true
from framework.chain import address, make_tx, new_key, read_key, transfer


class ChainValidatorTest(RostraTest):
    def run_test(self):
        node = self.add_node()
        node.start()
        rpc = node.rpc
        funded = read_key(node, "funded_key")
        chain_id = rpc.getblockchaininfo()["chainid"]
        genesis_set = rpc.getvalidators()

        self.log("fund a new operator, register it as a validator, stake to it")
        operator, consensus = new_key(), new_key()
        rpc.sendrawtransaction(transfer(funded, chain_id, 0, operator[1], 50_000 * 10**8))
        rpc.generate(1)
        rpc.sendrawtransaction(make_tx(operator, chain_id, "validator", 0, {
            "consensus_key": consensus[1], "moniker": b"second", "commission": 500}))
        rpc.sendrawtransaction(make_tx(operator, chain_id, "stake", 1, {
            "validator": operator[1], "amount": 20_000 * 10**8}))
        rpc.sendrawtransaction(make_tx(funded, chain_id, "stake", 1, {
            "validator": operator[1], "amount": 1_000 * 10**8}))
        bh = rpc.generate(1)[0]
        receipts = rpc.getblock(bh, 2)["tx"]
        assert_equal([t["status"] for t in receipts], ["ok", "ok", "ok"])

        v = rpc.getvalidators()
        ops = {r["operator"]: r for r in v["registered"]}
        assert_equal(len(ops), 2)
        second = ops[address(operator[1])]
        assert_equal(second["moniker"], "second")
        assert_equal(second["consensuskey"], consensus[1].hex())
        assert_equal(second["totalbonded"], 21_000 * 10**8)
        assert_equal(rpc.getstakes(address(funded[1]))["stakes"],
                     [{"validator": address(operator[1]), "amount": 1_000 * 10**8}])
        assert_equal(rpc.getstateinfo()["validators"], 2)

        self.log("the active set is still the genesis set and blocks go on")
        assert_equal(v["active"], genesis_set["active"])
        assert_equal(v["validatorshash"], genesis_set["validatorshash"])
        hashes = rpc.generate(5)
        for h in hashes:
            b = rpc.getblock(h)
            assert_equal(b["validatorshash"], genesis_set["validatorshash"])
            assert_equal(b["proposer"], genesis_set["active"][0]["consensuskey"])
        c = rpc.getcommit()
        assert_equal((c["size"], c["signed"]), (1, 1))
        assert_true(rpc.getblockcount() == 7)

        self.log("a restart keeps it")
        info = rpc.getblockchaininfo()
        assert_equal(node.stop(), 0)
        node.start()
        assert_equal(node.rpc.getblockchaininfo(), info)
        assert_equal(len(node.rpc.getvalidators()["registered"]), 2)
        node.rpc.generate(1)
        assert_equal(node.stop(), 0)


if __name__ == "__main__":
    ChainValidatorTest().main()
