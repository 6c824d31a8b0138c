#!/usr/bin/env python3
"""The wallet methods on a regtest node: the funded key imported at first
start, key files and modes, every action's success (its transaction in a
block with an ok receipt) and error paths (-5, -8, -26, -32602), nonces
with transactions pending and across a restart, rebroadcast after the
mempool file is lost and after kill -9, and -wallet=0."""
import os
import stat

from framework import RostraTest, assert_equal, assert_in, assert_raises_rpc, assert_true

COIN = 100000000


class WalletActionsTest(RostraTest):
    def run_test(self):
        self.node = node = self.add_node()
        node.start()
        self.rpc = node.rpc
        self.keys()
        self.actions()
        self.errors()
        self.nonces_and_restart()
        self.rebroadcast()
        self.wallet_off()

    def mine(self):
        self.rpc.generate(1)

    def receipt_ok(self, txid):
        tx = self.rpc.gettransaction(txid)
        assert_true((tx["height"] or 0) > 0, f"{txid} is in a block")
        assert_equal((tx["code"], tx["codename"]), (0, "ok"), f"{txid}'s receipt")

    def keys(self):
        rpc, node = self.rpc, self.node
        self.log("the funded key is in the wallet; new keys; file modes")
        addrs = rpc.listaddresses()
        assert_equal(len(addrs), 1)
        self.funded = addrs[0]["address"]
        assert_true(addrs[0]["balance"] > 0)
        assert_equal(rpc.getbalance(), addrs[0]["balance"])
        self.other = rpc.getnewaddress()
        assert_true(self.other.startswith("rro1"))
        assert_equal(len(rpc.listaddresses()), 2)
        assert_equal(rpc.getbalance(self.other), 0)
        wdir = node.path("wallet")
        assert_equal(stat.S_IMODE(os.stat(wdir).st_mode), 0o700)
        assert_equal(stat.S_IMODE(os.stat(os.path.join(wdir, "keys")).st_mode), 0o600)
        with open(os.path.join(wdir, "keys")) as f:
            assert_equal(len(f.read().split()), 2)

    def actions(self):
        rpc = self.rpc
        self.log("every action makes a transaction that a block includes")
        validator = rpc.getvalidators()["active"][0]["operator"]
        txids = [rpc.sendtoaddress(self.other, 100 * COIN, "gift")]
        txids.append(rpc.setprofile("walletuser", "W", "about", "https://w.example"))
        post = rpc.post("from the wallet", None, ["b", "a"])
        txids.append(post)
        self.mine()
        txids.append(rpc.post("a reply", post, None, self.other))
        txids.append(rpc.vote(post, 7000, self.other))
        txids.append(rpc.endorse("@walletuser", 2000, self.other))
        txids.append(rpc.follow("@walletuser", self.other))
        txids.append(rpc.stake(validator, 10 * COIN))
        self.mine()
        txids.append(rpc.unfollow("@walletuser", self.other))
        txids.append(rpc.unstake(validator, 5 * COIN))
        self.mine()
        for t in txids:
            assert_equal(len(t), 64)
            self.receipt_ok(t)
        assert_equal(rpc.getpost(post)["tags"], ["a", "b"])
        acc = rpc.getaccount("@walletuser")
        assert_equal(acc["address"], self.funded)
        assert_equal(acc["staked"], 5 * COIN)
        assert_equal(rpc.getbalance(self.other) < 100 * COIN, True)
        self.post = post

    def errors(self):
        rpc = self.rpc
        self.log("error paths")
        zero = "00" * 32
        cases = [
            (-32602, "post", []), (-8, "post", [""]), (-8, "post", ["x", "nothex"]),
            (-8, "post", ["x", None, ["Bad"]]), (-8, "post", ["x", None, ["a", "a"]]),
            (-8, "post", ["x", None, [1]]), (-5, "post", ["x", None, None, "rro1bad"]),
            (-5, "post", ["x", None, None, "rro1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"]),
            (-26, "post", ["x", None, None, None, 1]),
            (-8, "vote", ["00", 5]), (-8, "vote", [zero, 10001]), (-8, "vote", [zero, -10001]),
            (-5, "endorse", ["@nobody", 5]), (-8, "endorse", ["@walletuser", 10001]),
            (-5, "follow", ["bad"]), (-32602, "unfollow", []),
            (-8, "setprofile", ["X"]), (-5, "sendtoaddress", ["bad", 5]),
            (-8, "sendtoaddress", [self.other, 0]), (-5, "stake", ["bad", 5]),
            (-8, "unstake", [self.other, 0]), (-5, "getbalance", ["bad"]),
            (-32602, "getnewaddress", [1]), (-32602, "listaddresses", [1]),
        ]
        for code, method, params in cases:
            assert_raises_rpc(code, rpc.call, method, *params)
        self.log("an unfunded wallet address cannot pay its fee (-26)")
        empty = rpc.getnewaddress()
        assert_raises_rpc(-26, rpc.post, "x", None, None, empty, message="fee_exceeds_balance")
        assert_equal(rpc.getmempoolinfo()["size"], 0)

    def nonces_and_restart(self):
        rpc, node = self.rpc, self.node
        self.log("nonces follow each other while pending, and across a restart")
        n0 = rpc.getaccount(self.funded)["nonce"]
        for i in range(3):
            rpc.post(f"pending {i}")
        acc = rpc.getaccount(self.funded)
        assert_equal((acc["nonce"], acc["pendingnonce"]), (n0, n0 + 3))
        assert_equal(node.stop(), 0)
        node.start()
        self.rpc = rpc = node.rpc
        assert_equal(rpc.getaccount(self.funded)["pendingnonce"], n0 + 3)
        rpc.post("after the restart")
        assert_equal(rpc.getmempoolinfo()["size"], 4)
        self.mine()
        assert_equal(rpc.getaccount(self.funded)["nonce"], n0 + 4)

    def rebroadcast(self):
        rpc, node = self.rpc, self.node
        self.log("a lost mempool file: the wallet submits its transactions again")
        rpc.post("one")
        rpc.post("two")
        assert_equal(node.stop(), 0)
        os.remove(node.path("mempool.dat"))
        node.start()
        self.rpc = rpc = node.rpc
        assert_equal(rpc.getmempoolinfo()["size"], 2)
        assert_in("2 transactions submitted again", node.log())
        self.mine()
        self.log("kill -9 with transactions pending")
        n = rpc.getaccount(self.funded)["nonce"]
        rpc.post("three")
        rpc.post("four")
        node.kill()
        node.start()
        self.rpc = rpc = node.rpc
        assert_equal(rpc.getmempoolinfo()["size"], 2)
        assert_equal(rpc.getaccount(self.funded)["pendingnonce"], n + 2)
        self.mine()
        assert_equal(rpc.getaccount(self.funded)["nonce"], n + 2)

    def wallet_off(self):
        node = self.node
        self.log("-wallet=0: no wallet methods, the social ones stay")
        assert_equal(node.stop(), 0)
        node.start(["-wallet=0"])
        rpc = node.rpc
        for method in ["getnewaddress", "listaddresses", "getbalance", "post"]:
            assert_raises_rpc(-32601, rpc.call, method)
        assert_equal(rpc.getaccount(self.funded)["address"], self.funded)
        assert_true("== Wallet ==" not in rpc.help())
        assert_equal(node.stop(), 0)


if __name__ == "__main__":
    WalletActionsTest().main()
