#!/usr/bin/env python3
"""Malformed traffic from raw sockets: bad magic, bad checksum, an
oversized length, a truncated payload, a flood of unknown commands, a
badly signed transaction, random bytes. Each sender is disconnected and
discouraged (a new connection from its address is refused) while the node
keeps serving its other peers; a peer relaying a transaction that became
stale (its nonce already used) stays connected."""
import os

from framework import RostraTest, assert_true, wait_until
from framework.chain import new_key, read_key, transfer
from framework.p2p import RawPeer, frame, peer_addr, share_genesis, version_payload, wait_tip


class P2PMisbehaveTest(RostraTest):
    def refused(self, node, source):
        """A new connection from source gets no version back."""
        raw = RawPeer(node, source)
        info = node.rpc.getblockchaininfo()
        try:
            raw.send(frame("version", version_payload(info["chainid"], info["genesishash"])))
        except OSError:
            return True
        ok = raw.closed(timeout=20)
        raw.close()
        return ok

    def run_test(self):
        a, b = self.add_node(), self.add_node()
        a.start()
        a.rpc.generate(1)
        share_genesis(a, b)
        b.start([f"-connect={peer_addr(a)}"])
        wait_tip([a, b])
        chain = a.rpc.getblockchaininfo()["chainid"]
        funded = read_key(a, "funded_key")
        _, to = new_key()
        badsig = bytearray.fromhex(transfer(funded, chain, 0, to, 7))
        badsig[-1] ^= 1

        cases = [
            ("bad magic", frame("ping", os.urandom(8), magic=b"\xf9ROT")),
            ("bad checksum", frame("ping", os.urandom(8), checksum=b"\0\0\0\0")),
            ("oversized length", frame("ping", b"", length=9)),
            ("truncated payload", frame("ping", b"\1\2\3\4")),
            ("unknown-command flood", b"".join(frame("nosuchcmd", b"x") for _ in range(40))),
            ("badly signed transaction", frame("tx", bytes(badsig))),
            ("random bytes", os.urandom(200)),
        ]
        for i, (name, data) in enumerate(cases):
            source = f"127.0.0.{10 + i}"
            self.log(f"{name} from {source}")
            raw = RawPeer(a, source)
            raw.handshake()
            raw.send(data)
            assert_true(raw.closed(), f"{name}: the sender is disconnected")
            raw.close()
            wait_until(lambda: any(f"({source}:" in line and "misbehaved" in line
                                   for line in a.log().splitlines()),
                       timeout=30, what=f"{name}: a log line that blames {source}")
            assert_true(self.refused(a, source), f"{name}: the sender is discouraged")

        self.log("the node keeps serving its other peers")
        other = RawPeer(a, "127.0.0.99")
        other.handshake()
        assert_true(other.ping(), "a fresh peer is served")
        assert_true(any(p["addr"] == peer_addr(a) for p in b.rpc.getpeerinfo()), "b still connected")
        a.rpc.generate(1)
        wait_tip([a, b])

        self.log("a peer relaying a stale transaction stays connected")
        stale = transfer(funded, chain, 0, to, 11)
        a.rpc.sendrawtransaction(stale)
        a.rpc.generate(1)
        wait_tip([a, b])
        other.send(frame("tx", bytes.fromhex(stale)))
        assert_true(other.ping(), "still served after a stale transaction")
        assert_true(not any("(127.0.0.99:" in line and "misbehaved" in line
                            for line in a.log().splitlines()), "the stale relay is not blamed")
        other.close()


if __name__ == "__main__":
    P2PMisbehaveTest().main()
