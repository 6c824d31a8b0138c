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


# ------------------------------------------------------------ raw peers
import hashlib  # noqa: E402
import socket  # noqa: E402
import struct  # noqa: E402
import time  # noqa: E402

MAGICS = {"main": b"\xf9ROM", "testnet": b"\xf9ROT", "regtest": b"\xf9ROR"}


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def frame(command, payload, magic=MAGICS["regtest"], length=None, checksum=None):
    """One frame of doc/p2p.md section 1; length and checksum may be forced."""
    cmd = command.encode() if isinstance(command, str) else command
    head = magic + cmd.ljust(12, b"\0")
    head += struct.pack("<I", len(payload) if length is None else length)
    head += hashlib.sha256(payload).digest()[:4] if checksum is None else checksum
    return head + payload


def version_payload(chain_id, genesis_hex, height=0, nonce=None, user_agent=b"/raw-test/"):
    ip = b"\0" * 10 + b"\xff\xff" + bytes([127, 0, 0, 1])
    return (struct.pack("<IQQQ", 1, 1, int(time.time() * 1000),
                        nonce if nonce is not None else int.from_bytes(os.urandom(8), "little"))
            + varint(len(chain_id)) + chain_id.encode() + bytes.fromhex(genesis_hex)
            + struct.pack("<Q", height) + ip + struct.pack("<HH", 0, 0)
            + varint(len(user_agent)) + user_agent)


def block_frame(node, height, commit=None):
    """The `block` message of node's block at height with its commit
    (commit: other commit bytes instead, e.g. a broken one)."""
    block = bytes.fromhex(node.rpc.getblock(node.rpc.getblockhash(height), 0))
    if commit is None:
        commit = bytes.fromhex(node.rpc.getcommit(height)["hex"])
    return frame("block", varint(len(block)) + block + varint(len(commit)) + bytes(commit))


class RawPeer:
    """A hand-driven P2P connection to node from a chosen loopback source
    address (127.0.0.N), so that discouraging one does not touch the
    others: raw = RawPeer(node, "127.0.0.5"); raw.handshake();
    raw.send(frame("ping", ...)); raw.closed()."""

    def __init__(self, node, source="127.0.0.1", timeout=30):
        self.node = node
        self.sock = socket.create_connection(("127.0.0.1", node.p2p_port), timeout=timeout,
                                             source_address=(source, 0))
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def recv_frame(self, timeout=30):
        """The next (command, payload), or None when the connection closed."""
        deadline = time.monotonic() + timeout
        while True:
            if len(self.buf) >= 24:
                n = struct.unpack("<I", self.buf[16:20])[0]
                if len(self.buf) >= 24 + n:
                    cmd = self.buf[4:16].rstrip(b"\0").decode()
                    payload = self.buf[24:24 + n]
                    self.buf = self.buf[24 + n:]
                    return cmd, payload
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no frame in time")
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except (ConnectionResetError, BrokenPipeError):
                return None
            if not data:
                return None
            self.buf += data

    def wait_for(self, command, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            f = self.recv_frame(max(0.1, deadline - time.monotonic()))
            if f is None:
                raise ConnectionError(f"closed while waiting for {command}")
            if f[0] == command:
                return f[1]

    def claim_chain(self, source_node, height):
        """Handshake as a peer holding source_node's chain up to height,
        and wait for the node's first getblocks."""
        info = source_node.rpc.getblockchaininfo()
        self.send(frame("version", version_payload(info["chainid"], info["genesishash"],
                                                   height=height)))
        self.wait_for("version")
        self.send(frame("verack", b""))
        self.wait_for("verack")
        self.wait_for("getblocks")

    def handshake(self, chain_id=None, genesis=None):
        info = self.node.rpc.getblockchaininfo()
        self.send(frame("version", version_payload(chain_id or info["chainid"],
                                                   genesis or info["genesishash"])))
        self.wait_for("version")
        self.send(frame("verack", b""))
        self.wait_for("verack")

    def ping(self, timeout=30):
        """True when the node answers a ping: it still serves us."""
        nonce = os.urandom(8)
        try:
            self.send(frame("ping", nonce))
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                f = self.recv_frame(max(0.1, deadline - time.monotonic()))
                if f is None:
                    return False
                if f == ("pong", nonce):
                    return True
        except (OSError, TimeoutError):
            return False
        return False

    def closed(self, timeout=30):
        """True once the node has closed the connection (what it sends
        first is read and dropped)."""
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if self.recv_frame(max(0.1, deadline - time.monotonic())) is None:
                    return True
        except TimeoutError:
            return False
        except OSError:
            return True
        return False

    def close(self):
        self.sock.close()


def chain_behind_raw_peer(test, height, source):
    """A validator A that made height blocks, a fresh listening node D on
    A's genesis, and a RawPeer from source that has told D it holds A's
    chain (D has asked it for blocks). Returns (A, D, raw)."""
    a, d = test.add_node(), test.add_node()
    a.start()
    a.rpc.generate(height)
    share_genesis(a, d)
    d.start(["-listen=1"])
    raw = RawPeer(d, source)
    raw.claim_chain(a, height)
    return a, d, raw
