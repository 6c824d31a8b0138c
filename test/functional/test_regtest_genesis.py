#!/usr/bin/env python3
"""Regtest's genesis: made at first start with a validator key and a
funded key (mode 0600), kept across restarts; the funded account holds
the genesis balance; validator key errors stop start-up with one line; a
node whose key is not in the set is a full node and cannot generate."""
import json
import os

from framework import RostraTest, assert_equal, assert_in, assert_raises_rpc, assert_true
from framework.chain import address, new_key, read_key, transfer


class RegtestGenesisTest(RostraTest):
    def run_test(self):
        node = self.add_node()
        node.start()
        for name in ("validator_key", "funded_key"):
            assert_equal(os.stat(node.path(name)).st_mode & 0o777, 0o600, name)
        g = json.loads(node.read_file("genesis.json"))
        assert_equal(g["chain"], "regtest")
        funded = read_key(node, "funded_key")
        validator = read_key(node, "validator_key")
        assert_equal(g["balances"], [{"address": address(funded[1]), "amount": 10**15}])
        assert_equal(g["validators"][0]["consensus_key"], validator[1].hex())
        info = node.rpc.getblockchaininfo()
        assert_equal(info["chainid"], "regtest-" + info["genesishash"][:8])

        self.log("the funded key spends")
        chain_id = info["chainid"]
        node.rpc.sendrawtransaction(transfer(funded, chain_id, 0, new_key()[1], 10**8))
        node.rpc.generate(1)

        self.log("a restart keeps the keys and the chain")
        assert_equal(node.stop(), 0)
        node.start()
        assert_equal(read_key(node, "validator_key"), validator)
        assert_equal(node.rpc.getblockchaininfo()["genesishash"], info["genesishash"])
        assert_equal(node.stop(), 0)

        self.log("validator key errors")
        proc = node.run_rostrad("-validatorkey=missing_key")
        assert_equal(proc.returncode, 1)
        assert_equal(len(proc.stderr.strip().splitlines()), 1, proc.stderr)
        assert_in("missing_key", proc.stderr)
        with open(node.path("bad_key"), "w") as f:
            f.write("not a key\n")
        proc = node.run_rostrad("-validatorkey=bad_key")
        assert_equal(proc.returncode, 1)
        assert_in("does not hold a secret key", proc.stderr)
        with open(node.path("signer_state"), "w") as f:
            f.write("garbage\n")
        proc = node.run_rostrad()
        assert_equal(proc.returncode, 1)
        assert_in("signer state", proc.stderr)
        os.unlink(node.path("signer_state"))

        self.log("a key outside the set: a full node")
        other = new_key()
        with open(node.path("other_key"), "w") as f:
            f.write(other[0].hex() + "\n")
        node.start(["-validatorkey=other_key"])
        assert_equal(node.rpc.getconsensusstate()["validator"], None)
        e = assert_raises_rpc(-32603, node.rpc.generate, 1)
        assert_in("not a validator", e.message)
        assert_equal(node.stop(), 0)
        node.start()
        assert_true(len(node.rpc.generate(1)) == 1)
        assert_equal(node.stop(), 0)


if __name__ == "__main__":
    RegtestGenesisTest().main()
