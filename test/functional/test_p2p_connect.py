#!/usr/bin/env python3
"""Peers: two nodes on one chain connect (-connect, addnode) and see each
other in getpeerinfo; a node on another chain is refused; the net RPCs
(getnetworkinfo, getconnectioncount, disconnectnode, setnetworkactive,
setban, listbanned, clearbanned) and bans kept across a restart."""
from framework import RostraTest, assert_equal, assert_in, assert_raises_rpc, assert_true, wait_until
from framework.p2p import peer_addr, share_genesis, wait_connected


class P2PConnectTest(RostraTest):
    def run_test(self):
        a = self.add_node()
        a.start()
        b = self.add_node()
        share_genesis(a, b)
        b.start([f"-connect={peer_addr(a)}"])
        self.log("b connects to a with -connect")
        wait_connected(b, a)
        # a may also dial b by itself (regtest keeps loopback addresses
        # learnt from gossip), so counts are at least one.
        manual = [p for p in b.rpc.getpeerinfo() if p["connection_type"] == "manual"]
        assert_equal([p["addr"] for p in manual], [peer_addr(a)])
        inbound = [p for p in a.rpc.getpeerinfo() if p["inbound"]]
        assert_true(len(inbound) >= 1, "a sees b inbound")
        assert_in("/rostra:", inbound[0]["subver"])
        assert_equal(inbound[0]["connection_type"], "inbound")
        assert_true(a.rpc.getconnectioncount() >= 1, "a has a connection")
        info = b.rpc.getnetworkinfo()
        assert_true(info["connections"] >= 1 and info["connections_out"] >= 1, f"{info}")
        assert_equal(info["networkactive"], True)
        assert_equal(info["listening"], True)

        self.log("a node on another chain is refused")
        c = self.add_node()
        c.start()
        a.rpc.addnode(peer_addr(c), "onetry")
        wait_until(lambda: "is on another chain" in c.log(), timeout=30, what="c to refuse a")
        wait_until(lambda: c.rpc.getconnectioncount() == 0, timeout=30, what="c alone")
        assert_true(all(p["addr"] != peer_addr(c) for p in a.rpc.getpeerinfo()), "a not with c")
        assert_true(a.rpc.getconnectioncount() >= 1, "a keeps b")

        self.log("parameter errors")
        assert_raises_rpc(-8, a.rpc.addnode, "not-an-ip", "add")
        assert_raises_rpc(-8, a.rpc.addnode, peer_addr(c), "sometimes")
        assert_raises_rpc(-5, a.rpc.addnode, peer_addr(c), "remove")
        assert_raises_rpc(-8, a.rpc.disconnectnode)
        assert_raises_rpc(-5, a.rpc.disconnectnode, "", 9999)
        assert_raises_rpc(-8, a.rpc.setban, "300.1.1.1", "add")
        assert_raises_rpc(-8, a.rpc.setban, "10.0.0.1", "maybe")
        assert_raises_rpc(-5, a.rpc.setban, "10.0.0.1", "remove")
        assert_raises_rpc(-8, a.rpc.setban, "10.0.0.1", "add", 1, True)

        self.log("addnode add keeps a manual peer; disconnectnode by id, then it comes back")
        a.rpc.addnode(peer_addr(c), "add")
        assert_raises_rpc(-8, a.rpc.addnode, peer_addr(c), "add")
        a.rpc.addnode(peer_addr(c), "remove")
        pid = inbound[0]["id"]
        a.rpc.disconnectnode("", pid)
        wait_until(lambda: pid not in [p["id"] for p in a.rpc.getpeerinfo()], timeout=30,
                   what="the peer to go")
        wait_connected(b, a, timeout=60)
        out = [p for p in b.rpc.getpeerinfo() if p["addr"] == peer_addr(a)]
        b.rpc.disconnectnode(peer_addr(a))
        wait_until(lambda: out[0]["id"] not in [p["id"] for p in b.rpc.getpeerinfo()], timeout=30,
                   what="b to drop a")

        self.log("setnetworkactive")
        assert_equal(b.rpc.setnetworkactive(False), False)
        wait_until(lambda: b.rpc.getconnectioncount() == 0, timeout=30, what="b offline")
        assert_equal(b.rpc.getnetworkinfo()["networkactive"], False)
        assert_equal(b.rpc.setnetworkactive(True), True)
        wait_connected(b, a, timeout=60)

        self.log("setban disconnects and refuses; listbanned; the ban survives a restart")
        a.rpc.setban("127.0.0.1", "add", 3600)
        a.rpc.setban("10.1.0.0/16", "add")
        wait_until(lambda: a.rpc.getconnectioncount() == 0, timeout=30, what="the banned peer to go")
        bans = {x["address"]: x for x in a.rpc.listbanned()}
        assert_equal(sorted(bans), ["10.1.0.0/16", "127.0.0.1/32"])
        ban = bans["127.0.0.1/32"]
        assert_true(3590 <= ban["banned_until"] - ban["ban_created"] <= 3610, f"ban length {ban}")
        a.stop()
        a.start()
        assert_equal(sorted(x["address"] for x in a.rpc.listbanned()), ["10.1.0.0/16", "127.0.0.1/32"])
        a.rpc.setban("10.1.0.0/16", "remove")
        assert_equal([x["address"] for x in a.rpc.listbanned()], ["127.0.0.1/32"])
        a.rpc.clearbanned()
        assert_equal(a.rpc.listbanned(), [])
        a.stop()
        a.start()
        assert_equal(a.rpc.listbanned(), [])
        self.log("once the ban is lifted a reaches b again")
        a.rpc.addnode(peer_addr(b), "onetry")
        wait_until(lambda: a.rpc.getconnectioncount() >= 1, timeout=30, what="a connected again")


if __name__ == "__main__":
    P2PConnectTest().main()
