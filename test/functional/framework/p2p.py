"""P2P helpers for functional tests: nodes on one chain, connections.

    validator = test.add_node()
    validator.start()
    full = test.add_node()
    share_genesis(validator, full)        # before full's first start
    full.start([f"-connect=127.0.0.1:{validator.p2p_port}"])
    wait_connected(full, validator)
"""
import os
import shutil

from .util import wait_until


def share_genesis(src, dst):
    """Copy src's genesis.json into dst's network directory, so that dst
    (started afterwards for the first time) follows src's chain as a full
    node: regtest makes keys and a genesis of its own only when none is
    there."""
    os.makedirs(dst.netdir, exist_ok=True)
    shutil.copy(src.path("genesis.json"), dst.path("genesis.json"))


def peer_addr(node):
    return f"127.0.0.1:{node.p2p_port}"


def peer_ports(node):
    """The remote ports of node's peers (inbound peers show their
    ephemeral port)."""
    return [int(p["addr"].rsplit(":", 1)[1]) for p in node.rpc.getpeerinfo()]


def wait_connected(a, b, timeout=30):
    """Wait until a has an outbound (manual) peer at b's port and b has at
    least one inbound peer."""
    def ok():
        outs = [p for p in a.rpc.getpeerinfo() if not p["inbound"]]
        ins = [p for p in b.rpc.getpeerinfo() if p["inbound"]]
        return any(p["addr"] == peer_addr(b) for p in outs) and len(ins) > 0
    wait_until(ok, timeout=timeout, what=f"node{a.index} connected to node{b.index}")


def wait_tip(nodes, timeout=60):
    """Wait until every node has the same tip hash and state root; return
    getblockchaininfo of the first."""
    def same():
        infos = [n.rpc.getblockchaininfo() for n in nodes]
        keys = {(i["blocks"], i["bestblockhash"], i["stateroot"]) for i in infos}
        return infos[0] if len(keys) == 1 else None
    return wait_until(same, timeout=timeout, interval=0.2, what="the same tip on every node")
