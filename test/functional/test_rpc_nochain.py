#!/usr/bin/env python3
"""A node without a chain: a testnet data directory with no genesis.json
starts and every chain method answers error -1 ("no chain ..."), the
social methods are not there (-32601), the net methods answer -31, and
the methods that need no chain still work (doc/rpc.md, "Error codes")."""
from framework import RostraTest, assert_equal, assert_in
from framework.rpc import RPCError


def error_of(node, method, params):
    try:
        getattr(node.rpc, method)(*params)
    except RPCError as e:
        return e
    raise AssertionError(f"{method} answered without a chain")

NO_CHAIN = -1
# Each needs the chain; the arguments are well formed.
CALLS = [
    ("getblockcount", []),
    ("getbestblockhash", []),
    ("getblockchaininfo", []),
    ("getmempoolinfo", []),
    ("getrawmempool", []),
    ("sendrawtransaction", ["00"]),
    ("getvalidators", []),
    ("getconsensusstate", []),
    ("gettransaction", ["00" * 32]),
]
# The social area is registered only with a chain (doc/rpc.md, -1).
UNREGISTERED = [("getaccount", ["tro1qlycg5qvjtrp3qjf5f7zl382j9x6nrjz9sdhenvyxq8c3808qxmus6nxug6"])]


class RPCNoChainTest(RostraTest):
    def run_test(self):
        node = self.add_node(chain="testnet")
        node.start()
        for method, params in CALLS:
            e = error_of(node, method, params)
            self.log(f"{method}: {e.code} {e.message}")
            assert_equal(e.code, NO_CHAIN)
            assert_in("no chain", e.message)
        for method, params in UNREGISTERED:
            assert_equal(error_of(node, method, params).code, -32601)
        e = error_of(node, "getnetworkinfo", [])
        assert_equal(e.code, -31)
        assert_in("networking is not running", e.message)
        # What needs no chain still answers.
        assert_in("getblockcount", node.rpc.help("getblockcount"))
        assert_equal(node.rpc.uptime() >= 0, True)


if __name__ == "__main__":
    RPCNoChainTest().main()
