#!/usr/bin/env python3
"""rostra-util: genesis (a file rostrad accepts; every bad argument is one
line and exit 2) and testnet (folders, keys, configs and a shared genesis;
its validator makes blocks when transactions wait and empty ones at the
configured interval; a full node of it has no validator)."""
import json
import os
import subprocess
import time

from framework import RostraTest, assert_equal, assert_in, assert_true, wait_until
from framework.chain import address, new_key, read_key, transfer
from framework.node import program


class ChainUtilTest(RostraTest):
    def util(self, *args):
        return subprocess.run([program("rostra-util")] + list(args), capture_output=True, text=True,
                              timeout=60)

    def run_test(self):
        self.genesis()
        self.testnet()

    def genesis(self):
        self.log("rostra-util genesis writes a genesis a node starts from")
        op, cons, rich = new_key(), new_key(), new_key()
        out = os.path.join(self.tmpdir, "g.json")
        p = self.util("genesis", "-chain=testnet", f"-out={out}", "-time=1700000000000",
                      f"-validator={address(op[1], 'testnet')}:{cons[1].hex()}:5000:alpha:250",
                      f"-balance={rich[1].hex()}:123456789", "-minfee=20")
        assert_equal(p.returncode, 0, p.stderr)
        assert_in("chain id testnet-", p.stdout)
        g = json.load(open(out))
        assert_equal(g["genesis_time"], 1700000000000)
        assert_equal(g["params"]["min_fee_per_byte"], 20)
        assert_equal(g["validators"][0]["moniker"], "alpha")
        assert_equal(g["validators"][0]["commission"], 250)
        assert_equal(g["balances"][0]["amount"], 123456789)
        node = self.add_node(chain="testnet")
        os.makedirs(node.netdir, exist_ok=True)
        os.replace(out, node.path("genesis.json"))
        node.start()
        info = node.rpc.getblockchaininfo()
        assert_equal(info["chainid"], p.stdout.split()[-1])
        assert_equal(node.rpc.getconsensusstate()["validator"], None)
        assert_equal(node.stop(), 0)

        self.log("rostra-util genesis: errors")
        good_v = f"-validator={cons[1].hex()}:{cons[1].hex()}:1"
        bad = [
            ([], 2, "-chain"),
            (["-chain=testnet"], 2, "-out"),
            (["-chain=testnet", "-out=/dev/null/x", good_v], 1, "cannot write"),
            (["-chain=testnet", f"-out={out}"], 1, "validator"),
            (["-chain=testnet", f"-out={out}", "-validator=xyz"], 2, "invalid -validator"),
            (["-chain=testnet", f"-out={out}", good_v, "-balance=abc:1"], 2, "invalid -balance"),
            (["-chain=testnet", f"-out={out}", good_v, f"-balance={rich[1].hex()}:0"], 2,
             "invalid -balance"),
            (["-chain=testnet", f"-out={out}", good_v, "-minfee=x"], 2, "invalid value"),
            (["-chain=testnet", f"-out={out}", good_v, "-bogus=1"], 2, "unknown option"),
        ]
        for args, code, msg in bad:
            p = self.util("genesis", *args)
            assert_equal(p.returncode, code, f"{args}: {p.stderr}")
            assert_equal(len(p.stderr.strip().splitlines()), 1, p.stderr)
            assert_in(msg, p.stderr)
        p = self.util("nosuch")
        assert_equal(p.returncode, 2)
        assert_in("unknown command", p.stderr)
        assert_equal(self.util("-version").returncode, 0)
        assert_in("rostra-util testnet", self.util("-help").stdout)

    def testnet(self):
        self.log("rostra-util testnet: a validator and a full node")
        d = os.path.join(self.tmpdir, "net")
        p = self.util("testnet", f"-dir={d}", "-nodes=2", "-blockinterval=100",
                      "-emptyblockinterval=2")
        assert_equal(p.returncode, 0, p.stderr)
        for k in (0, 1):
            assert_true(os.path.exists(f"{d}/node{k}/rostra.conf"))
            assert_true(os.path.exists(f"{d}/node{k}/testnet/genesis.json"))
        assert_equal(os.stat(f"{d}/node0/testnet/validator_key").st_mode & 0o777, 0o600)
        assert_true(not os.path.exists(f"{d}/node1/testnet/validator_key"))
        p2 = self.util("testnet", f"-dir={d}")
        assert_equal(p2.returncode, 1)
        assert_in("cannot create", p2.stderr)
        assert_equal(self.util("testnet").returncode, 2)
        assert_equal(self.util("testnet", f"-dir={d}x", "-nodes=1", "-validators=2").returncode, 2)

        v = self.add_node(chain="testnet", datadir=f"{d}/node0")
        v.start()
        self.log("empty blocks at the interval, a waiting transaction within one")
        wait_until(lambda: v.rpc.getblockcount() >= 1, timeout=10, what="an empty block")
        t0 = time.time()
        faucet = read_key(v, "../../faucet_key")
        chain_id = v.rpc.getblockchaininfo()["chainid"]
        txid = v.rpc.sendrawtransaction(transfer(faucet, chain_id, 0, new_key()[1], 1))
        wait_until(lambda: v.rpc.gettransaction(txid)["inmempool"] is False, timeout=5,
                   what="the transaction in a block")
        assert_true(time.time() - t0 < 1.5, "a waiting transaction waits about one interval")
        assert_equal(v.rpc.gettransaction(txid)["status"], "ok")
        assert_equal(v.stop(), 0)

        full = self.add_node(chain="testnet", datadir=f"{d}/node1")
        full.start()
        assert_equal(full.rpc.getconsensusstate()["validator"], None)
        assert_equal(full.rpc.getblockchaininfo()["blocks"], 0)
        assert_equal(full.stop(), 0)


if __name__ == "__main__":
    ChainUtilTest().main()
