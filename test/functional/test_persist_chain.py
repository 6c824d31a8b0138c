#!/usr/bin/env python3
"""Persistence: a clean restart keeps the chain, the state and the mempool;
another genesis on the same database is refused; kill -9 during continuous
submission and block production leaves a chain and state that restart
intact, and -reindex rebuilds the same state root."""
import json
import os
import threading
import time

from framework import RostraTest, RPCError, assert_equal, assert_in, assert_true
from framework.chain import new_key, read_key, transfer


class PersistChainTest(RostraTest):
    def run_test(self):
        node = self.add_node()
        node.start()
        rpc = node.rpc
        funded = read_key(node, "funded_key")
        chain_id = rpc.getblockchaininfo()["chainid"]
        other = new_key()

        self.log("a clean restart keeps blocks, state, receipts and the mempool")
        rpc.generate(2)
        ids = [rpc.sendrawtransaction(transfer(funded, chain_id, n, other[1], 1000 + n))
               for n in range(3)]
        rpc.generate(1)
        pending = [rpc.sendrawtransaction(transfer(funded, chain_id, n, other[1], 5))
                   for n in range(3, 5)]
        before = rpc.getblockchaininfo()
        assert_equal(node.stop(), 0)
        assert_true(os.path.exists(node.path("mempool.dat")), "mempool.dat written")
        node.start()
        rpc = node.rpc
        assert_equal(rpc.getblockchaininfo(), before)
        assert_equal(rpc.getrawmempool(), pending)
        assert_equal(rpc.gettransaction(ids[2])["height"], 3)
        rpc.generate(1)
        assert_equal(rpc.getrawmempool(), [])
        nonce = 5

        self.log("a genesis.json of another chain is refused")
        assert_equal(node.stop(), 0)
        original = node.read_file("genesis.json")
        g = json.loads(original)
        g["genesis_time"] += 1
        with open(node.path("genesis.json"), "w") as f:
            json.dump(g, f)
        proc = node.run_rostrad()
        assert_equal(proc.returncode, 1)
        assert_equal(len(proc.stderr.strip().splitlines()), 1, proc.stderr)
        assert_in("not the genesis given", proc.stderr)
        with open(node.path("genesis.json"), "w") as f:
            f.write(original)

        self.log("kill -9 during continuous submission and block production")
        node.start()
        rpc = node.rpc
        start_height = rpc.getblockcount()
        acked = {"height": start_height}
        signed = [transfer(funded, chain_id, n, other[1], 7) for n in range(nonce, nonce + 16)]
        stop = threading.Event()

        def churn():
            client = node.rpc_as(*self.cookie(node))
            txs = list(signed)
            while not stop.is_set():
                try:
                    for _ in range(2):
                        if txs:
                            client.sendrawtransaction(txs.pop(0))
                    h = client.generate(1)
                    acked["height"] = client.getblock(h[0])["height"]
                except (RPCError, OSError, ConnectionError) as e:
                    acked["error"] = repr(e)
                    return
        t = threading.Thread(target=churn)
        t.start()
        deadline = time.time() + 20
        while acked["height"] < start_height + 5 and time.time() < deadline and t.is_alive():
            time.sleep(0.01)
        time.sleep(0.05)  # in the middle of the next submission or block
        node.kill()
        stop.set()
        t.join(timeout=30)
        self.log(f"killed after height {acked['height']} ({acked.get('error', 'no error')})")
        assert_true(acked["height"] >= start_height + 5, "blocks were made before the kill")

        node.start()
        rpc = node.rpc
        info = rpc.getblockchaininfo()
        assert_true(info["blocks"] >= acked["height"], "an acknowledged block was lost")
        tip = rpc.getblock(info["bestblockhash"])
        assert_equal(tip["stateroot"], info["stateroot"])
        assert_equal(rpc.getcommit()["blockhash"], info["bestblockhash"])
        h = rpc.generate(1)[0]
        assert_equal(rpc.getblock(h)["previousblockhash"], info["bestblockhash"])
        info = rpc.getblockchaininfo()
        assert_equal(node.stop(), 0)

        self.log("-reindex rebuilds the same state")
        node.start(["-reindex"])
        assert_equal(node.rpc.getblockchaininfo(), info)
        assert_in("reindex: done", node.log())
        assert_equal(node.stop(), 0)

    @staticmethod
    def cookie(node):
        return node.read_file(".cookie").strip().split(":", 1)


if __name__ == "__main__":
    PersistChainTest().main()
