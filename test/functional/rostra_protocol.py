"""Rostra's binary formats, written from doc/protocol.md alone.

An independent, standard-library-only implementation of every structure of
doc/protocol.md: the encoding primitives (section 2), tagged hashes (3),
BIP340 signatures (4), chain ids (5), addresses (6), transactions (7), block
headers (8), blocks (9), votes (10), proposals (11), commits (12), evidence
(13), the Merkle tree (14) and the rejection rules (15). It is the second
implementation that test_protocol_vectors.py checks test/data/vectors.json
against; it does not share any code with src/primitives/.

Decoded structures are plain dicts keyed by the doc's field names. Byte
fields stay `bytes` (text fields too: whether they are valid UTF-8 is a
stateless check, section 7.5, not a decoding rule). `to_json_*` turns a
decoded structure into the `fields` form of the vectors (section 16) and
`from_json_*` turns it back; `encode_*` writes the canonical encoding.

Every rejection raises `ProtocolError` whose `name` is the doc's error name.
"""
import hashlib

# Section 1: constants.
TX_MAX_SIZE = 8192
BLOCK_MAX_SIZE = 2097152
MAX_MONEY = 2**53 - 1
BLOCK_MAX_TXS = 16384
BLOCK_MAX_EVIDENCE = 16
MAX_VALIDATORS = 150

ZERO_HASH = bytes(32)


# Section 15: every error name, in the order of its table.
ERROR_NAMES = ("truncated", "trailing", "varint_noncanonical", "varint_overflow", "too_large",
               "chain_id", "tx_version", "unknown_type", "fee_range", "amount_range",
               "memo_length", "has_parent", "body_length", "tag_count", "tag_length", "tag_order",
               "vote_weight", "endorse_weight", "handle_length", "name_length", "about_length",
               "website_length", "moniker_length", "commission_range", "sender_key", "to_key",
               "subject_key", "target_key", "validator_key", "consensus_key", "memo_utf8",
               "body_utf8", "tag_chars", "handle_chars", "name_utf8", "about_utf8",
               "website_utf8", "moniker_utf8", "bad_signature", "header_version",
               "upgrade_required", "tx_count", "evidence_count", "block_height",
               "last_commit_height", "last_commit_hash", "tx_root", "evidence_root",
               "tx_chain_id", "vote_type", "pol_round", "proposal_nil", "commit_count",
               "commit_empty", "commit_nil", "commit_flag", "commit_set_size", "commit_power",
               "evidence_mismatch", "evidence_order")


class ProtocolError(Exception):
    """A rejection; `name` is the error name of doc/protocol.md section 15."""

    def __init__(self, name):
        super().__init__(name)
        self.name = name


# ---------------------------------------------------------------------------
# Section 2: encoding primitives.

class Reader:
    """Reads the field types of section 2 from a byte string, in order."""

    def __init__(self, data):
        self.data = bytes(data)
        self.pos = 0

    def remaining(self):
        return len(self.data) - self.pos

    def fixed(self, n):
        """n raw bytes; `truncated` if fewer remain."""
        if self.remaining() < n:
            raise ProtocolError("truncated")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def u8(self):
        return self.fixed(1)[0]

    def u16le(self):
        return int.from_bytes(self.fixed(2), "little")

    def u32le(self):
        return int.from_bytes(self.fixed(4), "little")

    def u64le(self):
        return int.from_bytes(self.fixed(8), "little")

    def i16(self):
        u = self.u16le()
        return u if u < 0x8000 else u - 0x10000

    def varint(self):
        """Unsigned LEB128, minimal, at most 10 bytes (the four steps of section 2)."""
        value = 0
        for i in range(10):
            if self.remaining() < 1:
                raise ProtocolError("truncated")
            b = self.data[self.pos]
            self.pos += 1
            if i == 9 and b > 1:
                raise ProtocolError("varint_overflow")
            value |= (b & 0x7F) << (7 * i)
            if not b & 0x80:
                if b == 0 and i > 0:
                    raise ProtocolError("varint_noncanonical")
                return value
        # Unreachable: at i = 9, b <= 1 so its high bit is clear.
        raise AssertionError("varint loop ended without a last byte")

    def bytes_field(self, lo, hi, error, or_empty=False):
        """`bytes` with allowed length lo..hi (or 0 when or_empty): the
        length error is raised before any of the bytes is read."""
        n = self.varint()
        if not (lo <= n <= hi or (or_empty and n == 0)):
            raise ProtocolError(error)
        return self.fixed(n)

    def hash(self):
        return self.fixed(32)

    def key(self):
        return self.fixed(32)

    def sig(self):
        return self.fixed(64)

    def end(self):
        """A standalone structure must end here."""
        if self.remaining():
            raise ProtocolError("trailing")


class Writer:
    """Writes the field types of section 2 (the inverse of Reader)."""

    def __init__(self):
        self.out = bytearray()

    def raw(self, b, size=None):
        if size is not None and len(b) != size:
            raise ValueError(f"expected {size} bytes, got {len(b)}")
        self.out += b

    def u8(self, v):
        self.out += v.to_bytes(1, "little")

    def u16le(self, v):
        self.out += v.to_bytes(2, "little")

    def u32le(self, v):
        self.out += v.to_bytes(4, "little")

    def u64le(self, v):
        self.out += v.to_bytes(8, "little")

    def i16(self, v):
        self.u16le(v & 0xFFFF)

    def varint(self, v):
        self.out += encode_varint(v)

    def bytes_field(self, b):
        self.varint(len(b))
        self.out += b

    def hash(self, b):
        self.raw(b, 32)

    def key(self, b):
        self.raw(b, 32)

    def sig(self, b):
        self.raw(b, 64)

    def getvalue(self):
        return bytes(self.out)


def encode_varint(v):
    if not 0 <= v < 2**64:
        raise ValueError("varint out of range")
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def decode_varint(data):
    """A whole byte string holding exactly one varint."""
    r = Reader(data)
    v = r.varint()
    r.end()
    return v


# ---------------------------------------------------------------------------
# Section 3: hashes and hash tags.

TAG_TX_SIG = "Rostra/tx/sig"
TAG_TXID = "Rostra/txid"
TAG_BLOCK = "Rostra/block"
TAG_VOTE = "Rostra/vote"
TAG_PROPOSAL = "Rostra/proposal"
TAG_COMMIT = "Rostra/commit"
TAG_EVIDENCE = "Rostra/evidence"
TAG_MERKLE_LEAF = "Rostra/merkle/leaf"
TAG_MERKLE_NODE = "Rostra/merkle/node"
TAG_MERKLE_EMPTY = "Rostra/merkle/empty"

# The table of section 3, in its order, with SHA256(tag) as the doc prints it.
HASH_TAGS = {
    TAG_TX_SIG: "32978087ce6179fae09af04748a931818be0f40e8d239fa8bc6bc46be58e4cad",
    TAG_TXID: "9d6dad03dff813d6aeec0b5edb135b76dbd911da487dcd21cdd163ae3de9fddf",
    TAG_BLOCK: "8183c10e01d70aae962b701193ca329544b44bf63ba0ba427fc2c45a65390980",
    TAG_VOTE: "075cb99d8fa086a66d50b717190acccda6bd2253be82b83d5cea726cb81ebf1b",
    TAG_PROPOSAL: "e038ae3075105fe674a995b64ce28a5e02ab5260272b640609a9f86aed0e91dd",
    TAG_COMMIT: "190dc1684a74c363c19f355179362999883448ce8a58e32e8309b256e3df0468",
    TAG_EVIDENCE: "a5c6d7aecf4559fa14b9e51a21401081dfda3f5cda884a4b03530e8ec76c2e95",
    TAG_MERKLE_LEAF: "909338461d12ce3938743de26af7cf636185ba1c36726bcee2672dd2a7135eae",
    TAG_MERKLE_NODE: "f47962a537d9dceb1cd7bf2aca8c4b12c291c55248cc99e406842741c379aca4",
    TAG_MERKLE_EMPTY: "fdb795f4585685a43815a9598d909d12ec5070ff064cf57ea8f0432e3ac9ef09",
}


def sha256(b):
    return hashlib.sha256(b).digest()


def tagged_hash(tag, msg):
    """tagged(tag, m) = SHA256(SHA256(tag) || SHA256(tag) || m)."""
    t = sha256(tag.encode("ascii"))
    return sha256(t + t + msg)


# ---------------------------------------------------------------------------
# Section 4: BIP340 signatures, over secp256k1, in plain Python integers.

P = 2**256 - 2**32 - 977
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
G = (0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798,
     0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8)


def _point_add(p1, p2):
    """Affine point addition; None is the point at infinity."""
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2 and y1 != y2:
        return None
    if p1 == p2:
        lam = 3 * x1 * x1 * pow(2 * y1, P - 2, P) % P
    else:
        lam = (y2 - y1) * pow(x2 - x1, P - 2, P) % P
    x3 = (lam * lam - x1 - x2) % P
    return x3, (lam * (x1 - x3) - y1) % P


def _point_mul(pt, k):
    result = None
    while k:
        if k & 1:
            result = _point_add(result, pt)
        pt = _point_add(pt, pt)
        k >>= 1
    return result


def lift_x(x):
    """BIP340 lift_x: the point with x coordinate x and even y, or None."""
    if x >= P:
        return None
    c = (pow(x, 3, P) + 7) % P
    y = pow(c, (P + 1) // 4, P)
    if y * y % P != c:
        return None
    return x, (y if y % 2 == 0 else P - y)


def is_valid_xonly(key):
    """Section 4: 32 bytes x < p with x^3 + 7 a square mod p."""
    return len(key) == 32 and lift_x(int.from_bytes(key, "big")) is not None


def _bip340_challenge(r32, pk32, msg):
    return int.from_bytes(tagged_hash("BIP0340/challenge", r32 + pk32 + msg), "big") % N


def schnorr_verify(pubkey, msg, sig):
    """BIP340 Verify(pk, m, sig); an invalid x-only key gives False."""
    if len(pubkey) != 32 or len(sig) != 64:
        return False
    pt = lift_x(int.from_bytes(pubkey, "big"))
    if pt is None:
        return False
    r = int.from_bytes(sig[:32], "big")
    s = int.from_bytes(sig[32:], "big")
    if r >= P or s >= N:
        return False
    e = _bip340_challenge(sig[:32], pubkey, msg)
    R = _point_add(_point_mul(G, s), _point_mul(pt, N - e))
    return R is not None and R[1] % 2 == 0 and R[0] == r


def pubkey_from_seckey(seckey):
    """BIP340 PubKey(sk): the x-only key of d*G."""
    d = int.from_bytes(seckey, "big")
    if not 1 <= d < N:
        raise ValueError("secret key out of range")
    return _point_mul(G, d)[0].to_bytes(32, "big")


def schnorr_sign(seckey, msg, aux_rand):
    """BIP340 Sign(sk, m, a)."""
    d0 = int.from_bytes(seckey, "big")
    if not 1 <= d0 < N:
        raise ValueError("secret key out of range")
    pt = _point_mul(G, d0)
    d = d0 if pt[1] % 2 == 0 else N - d0
    t = (d ^ int.from_bytes(tagged_hash("BIP0340/aux", aux_rand), "big")).to_bytes(32, "big")
    pk32 = pt[0].to_bytes(32, "big")
    k0 = int.from_bytes(tagged_hash("BIP0340/nonce", t + pk32 + msg), "big") % N
    if k0 == 0:
        raise ValueError("nonce is zero")
    R = _point_mul(G, k0)
    k = k0 if R[1] % 2 == 0 else N - k0
    r32 = R[0].to_bytes(32, "big")
    e = _bip340_challenge(r32, pk32, msg)
    sig = r32 + ((k + e * d) % N).to_bytes(32, "big")
    if not schnorr_verify(pk32, msg, sig):
        raise ValueError("produced signature does not verify")
    return sig


# ---------------------------------------------------------------------------
# Section 5: chain id.

def is_valid_chain_id(cid):
    """^[a-z]{1,16}-[0-9a-f]{8}$ on the whole content (no trailing newline)."""
    name, dash, tail = cid.partition(b"-")
    return (dash == b"-" and 1 <= len(name) <= 16
            and all(0x61 <= c <= 0x7A for c in name)
            and len(tail) == 8 and all(c in b"0123456789abcdef" for c in tail))


def read_chain_id(r):
    cid = r.bytes_field(10, 26, "chain_id")
    if not is_valid_chain_id(cid):
        raise ProtocolError("chain_id")
    return cid


# ---------------------------------------------------------------------------
# Section 6: addresses (bech32m, BIP350).

ADDRESS_HRPS = {"main": "ro", "testnet": "tro", "regtest": "rro"}
_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32M_CONST = 0x2BC830A3


def _bech32_polymod(values):
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def _hrp_expand(hrp):
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convertbits(data, frombits, tobits, pad):
    acc = bits = 0
    out = []
    maxv = (1 << tobits) - 1
    for v in data:
        acc = (acc << frombits) | v
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (tobits - bits)) & maxv)
    elif bits >= frombits or ((acc << (tobits - bits)) & maxv):
        return None
    return out


def encode_address(hrp, key):
    data = [0] + _convertbits(key, 8, 5, True)
    polymod = _bech32_polymod(_hrp_expand(hrp) + data + [0] * 6) ^ _BECH32M_CONST
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32_CHARSET[d] for d in data + checksum)


def decode_address(hrp, addr):
    """The 32-byte key of a bech32m address with the expected HRP, or None
    (the decoding rules of section 6, in order)."""
    if len(addr) > 90 or any(not 33 <= ord(c) <= 126 for c in addr):
        return None
    if addr.lower() != addr and addr.upper() != addr:
        return None
    addr = addr.lower()
    pos = addr.rfind("1")
    if addr[:pos] != hrp or len(addr) - pos - 1 < 7:
        return None
    try:
        data = [_BECH32_CHARSET.index(c) for c in addr[pos + 1:]]
    except ValueError:
        return None
    if _bech32_polymod(_hrp_expand(hrp) + data) != _BECH32M_CONST:
        return None
    data = data[:-6]
    if not data or data[0] != 0:
        return None
    key = _convertbits(data[1:], 5, 8, False)
    if key is None or len(key) != 32 or not is_valid_xonly(bytes(key)):
        return None
    return bytes(key)


# ---------------------------------------------------------------------------
# Section 7: transaction.

TX_TYPES = {1: "transfer", 2: "post", 3: "vote", 4: "endorse", 5: "follow", 6: "unfollow",
            7: "profile", 8: "stake", 9: "unstake", 10: "validator", 11: "unjail"}
TX_TYPE_NUMBERS = {name: num for num, name in TX_TYPES.items()}

# Payload fields of 7.2 that hold UTF-8 text (strings in the vectors) and
# those that hold 32-byte keys or hashes (hex in the vectors).
TEXT_FIELDS = {"memo", "body", "handle", "name", "about", "website", "moniker"}


def _read_amount(r):
    amount = r.varint()
    if not 1 <= amount <= MAX_MONEY:
        raise ProtocolError("amount_range")
    return amount


def _read_transfer(r):
    to = r.key()
    amount = _read_amount(r)
    memo = r.bytes_field(0, 256, "memo_length")
    return {"to": to, "amount": amount, "memo": memo}


def _read_post(r):
    has_parent = r.u8()
    if has_parent not in (0, 1):
        raise ProtocolError("has_parent")
    parent = r.hash() if has_parent else None
    body = r.bytes_field(1, 4096, "body_length")
    ntags = r.varint()
    if ntags > 8:
        raise ProtocolError("tag_count")
    tags = []
    for _ in range(ntags):
        tag = r.bytes_field(1, 32, "tag_length")
        if tags and not tag > tags[-1]:
            raise ProtocolError("tag_order")
        tags.append(tag)
    return {"parent": parent, "body": body, "tags": tags}


def _read_vote_payload(r):
    post = r.hash()
    weight = r.i16()
    if not -10000 <= weight <= 10000:
        raise ProtocolError("vote_weight")
    return {"post": post, "weight": weight}


def _read_endorse(r):
    subject = r.key()
    weight = r.u16le()
    if weight > 10000:
        raise ProtocolError("endorse_weight")
    return {"subject": subject, "weight": weight}


def _read_target(r):
    return {"target": r.key()}


def _read_profile(r):
    return {
        "handle": r.bytes_field(3, 24, "handle_length", or_empty=True),
        "name": r.bytes_field(0, 64, "name_length"),
        "about": r.bytes_field(0, 512, "about_length"),
        "website": r.bytes_field(0, 128, "website_length"),
    }


def _read_stake(r):
    validator = r.key()
    return {"validator": validator, "amount": _read_amount(r)}


def _read_validator(r):
    consensus_key = r.key()
    moniker = r.bytes_field(1, 64, "moniker_length")
    commission = r.u16le()
    if commission > 10000:
        raise ProtocolError("commission_range")
    return {"consensus_key": consensus_key, "moniker": moniker, "commission": commission}


def _read_unjail(r):
    return {}


PAYLOAD_READERS = {
    "transfer": _read_transfer, "post": _read_post, "vote": _read_vote_payload,
    "endorse": _read_endorse, "follow": _read_target, "unfollow": _read_target,
    "profile": _read_profile, "stake": _read_stake, "unstake": _read_stake,
    "validator": _read_validator, "unjail": _read_unjail,
}


def read_tx(r):
    """One transaction from a reader (in a block or standalone): 7.1-7.2.
    The result keeps its encoding as `raw`."""
    start = r.pos
    tx = {}
    tx["version"] = r.u8()
    if tx["version"] != 1:
        raise ProtocolError("tx_version")
    tx["chain_id"] = read_chain_id(r)
    type_num = r.u8()
    if type_num not in TX_TYPES:
        raise ProtocolError("unknown_type")
    tx["type"] = TX_TYPES[type_num]
    tx["sender"] = r.key()
    tx["nonce"] = r.varint()
    tx["fee"] = r.varint()
    if tx["fee"] > MAX_MONEY:
        raise ProtocolError("fee_range")
    tx["payload"] = PAYLOAD_READERS[tx["type"]](r)
    tx["sig"] = r.sig()
    tx["raw"] = r.data[start:r.pos]
    return tx


def decode_tx(data):
    """A standalone transaction: too_large first, then the fields, then trailing."""
    if len(data) > TX_MAX_SIZE:
        raise ProtocolError("too_large")
    r = Reader(data)
    tx = read_tx(r)
    r.end()
    return tx


def _write_payload(w, type_name, p):
    if type_name == "transfer":
        w.key(p["to"]); w.varint(p["amount"]); w.bytes_field(p["memo"])
    elif type_name == "post":
        if p["parent"] is None:
            w.u8(0)
        else:
            w.u8(1); w.hash(p["parent"])
        w.bytes_field(p["body"])
        w.varint(len(p["tags"]))
        for tag in p["tags"]:
            w.bytes_field(tag)
    elif type_name == "vote":
        w.hash(p["post"]); w.i16(p["weight"])
    elif type_name == "endorse":
        w.key(p["subject"]); w.u16le(p["weight"])
    elif type_name in ("follow", "unfollow"):
        w.key(p["target"])
    elif type_name == "profile":
        for name in ("handle", "name", "about", "website"):
            w.bytes_field(p[name])
    elif type_name in ("stake", "unstake"):
        w.key(p["validator"]); w.varint(p["amount"])
    elif type_name == "validator":
        w.key(p["consensus_key"]); w.bytes_field(p["moniker"]); w.u16le(p["commission"])
    elif type_name == "unjail":
        pass
    else:
        raise ValueError(f"unknown transaction type {type_name!r}")


def encode_tx(tx):
    w = Writer()
    w.u8(tx["version"])
    w.bytes_field(tx["chain_id"])
    w.u8(TX_TYPE_NUMBERS[tx["type"]])
    w.key(tx["sender"])
    w.varint(tx["nonce"])
    w.varint(tx["fee"])
    _write_payload(w, tx["type"], tx["payload"])
    w.sig(tx["sig"])
    return w.getvalue()


def tx_sighash(tx_bytes):
    """7.3: everything before the 64-byte signature."""
    return tagged_hash(TAG_TX_SIG, tx_bytes[:-64])


def txid(tx_bytes):
    return tagged_hash(TAG_TXID, tx_bytes)


def tx_sig_valid(tx):
    return schnorr_verify(tx["sender"], tx_sighash(tx["raw"]), tx["sig"])


def is_valid_text(b):
    """7.5: well-formed UTF-8 (RFC 3629) without U+0000."""
    try:
        b.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        return False
    return b"\0" not in b


def _only_handle_chars(b):
    return all(c in b"abcdefghijklmnopqrstuvwxyz0123456789_" for c in b)


def tx_check(tx):
    """7.5: the stateless checks, in order; raises the first failure."""
    def need(ok, error):
        if not ok:
            raise ProtocolError(error)

    p = tx["payload"]
    need(is_valid_xonly(tx["sender"]), "sender_key")
    t = tx["type"]
    if t == "transfer":
        need(is_valid_xonly(p["to"]), "to_key")
        need(is_valid_text(p["memo"]), "memo_utf8")
    elif t == "post":
        need(is_valid_text(p["body"]), "body_utf8")
        for tag in p["tags"]:
            need(_only_handle_chars(tag), "tag_chars")
    elif t == "endorse":
        need(is_valid_xonly(p["subject"]), "subject_key")
    elif t in ("follow", "unfollow"):
        need(is_valid_xonly(p["target"]), "target_key")
    elif t == "profile":
        need(_only_handle_chars(p["handle"]), "handle_chars")
        need(is_valid_text(p["name"]), "name_utf8")
        need(is_valid_text(p["about"]), "about_utf8")
        need(is_valid_text(p["website"]), "website_utf8")
    elif t in ("stake", "unstake"):
        need(is_valid_xonly(p["validator"]), "validator_key")
    elif t == "validator":
        need(is_valid_xonly(p["consensus_key"]), "consensus_key")
        need(is_valid_text(p["moniker"]), "moniker_utf8")
    # vote, unjail: nothing.


# ---------------------------------------------------------------------------
# Section 8: block header.

HEADER_HASHES = ("prev_block", "tx_root", "state_root", "last_commit_hash",
                 "evidence_root", "validators_hash", "next_validators_hash")


def read_header(r):
    h = {}
    h["version"] = r.u32le()
    if h["version"] > 1:
        raise ProtocolError("upgrade_required")
    if h["version"] == 0:
        raise ProtocolError("header_version")
    h["chain_id"] = read_chain_id(r)
    h["height"] = r.u64le()
    h["time"] = r.u64le()
    for name in HEADER_HASHES:
        h[name] = r.hash()
    h["proposer"] = r.key()
    return h


def decode_header(data):
    r = Reader(data)
    h = read_header(r)
    r.end()
    return h


def write_header(w, h):
    w.u32le(h["version"])
    w.bytes_field(h["chain_id"])
    w.u64le(h["height"])
    w.u64le(h["time"])
    for name in HEADER_HASHES:
        w.hash(h[name])
    w.key(h["proposer"])


def encode_header(h):
    w = Writer()
    write_header(w, h)
    return w.getvalue()


def block_id(header):
    return tagged_hash(TAG_BLOCK, encode_header(header))


# ---------------------------------------------------------------------------
# Section 10: vote.

VOTE_TYPES = {1: "prevote", 2: "precommit"}
VOTE_TYPE_NUMBERS = {name: num for num, name in VOTE_TYPES.items()}


def read_vote(r):
    v = {}
    type_num = r.u8()
    if type_num not in VOTE_TYPES:
        raise ProtocolError("vote_type")
    v["type"] = VOTE_TYPES[type_num]
    v["height"] = r.u64le()
    v["round"] = r.u32le()
    v["block_id"] = r.hash()
    v["validator"] = r.key()
    v["sig"] = r.sig()
    return v


def decode_vote(data):
    r = Reader(data)
    v = read_vote(r)
    r.end()
    return v


def write_vote(w, v):
    w.u8(VOTE_TYPE_NUMBERS[v["type"]])
    w.u64le(v["height"])
    w.u32le(v["round"])
    w.hash(v["block_id"])
    w.key(v["validator"])
    w.sig(v["sig"])


def encode_vote(v):
    w = Writer()
    write_vote(w, v)
    return w.getvalue()


def vote_sighash(chain_id, type_name, height, round_, block_id_):
    w = Writer()
    w.bytes_field(chain_id)
    w.u8(VOTE_TYPE_NUMBERS[type_name])
    w.u64le(height)
    w.u32le(round_)
    w.hash(block_id_)
    return tagged_hash(TAG_VOTE, w.getvalue())


def vote_sig_valid(v, chain_id):
    msg = vote_sighash(chain_id, v["type"], v["height"], v["round"], v["block_id"])
    return schnorr_verify(v["validator"], msg, v["sig"])


# ---------------------------------------------------------------------------
# Section 11: proposal.

POL_ROUND_NONE = 0xFFFFFFFF


def read_proposal(r):
    p = {}
    p["height"] = r.u64le()
    p["round"] = r.u32le()
    p["pol_round"] = r.u32le()
    if p["pol_round"] != POL_ROUND_NONE and not p["pol_round"] < p["round"]:
        raise ProtocolError("pol_round")
    p["block_id"] = r.hash()
    if p["block_id"] == ZERO_HASH:
        raise ProtocolError("proposal_nil")
    p["proposer"] = r.key()
    p["sig"] = r.sig()
    return p


def decode_proposal(data):
    r = Reader(data)
    p = read_proposal(r)
    r.end()
    return p


def encode_proposal(p):
    w = Writer()
    w.u64le(p["height"])
    w.u32le(p["round"])
    w.u32le(p["pol_round"])
    w.hash(p["block_id"])
    w.key(p["proposer"])
    w.sig(p["sig"])
    return w.getvalue()


def proposal_sighash(chain_id, p):
    w = Writer()
    w.bytes_field(chain_id)
    w.u64le(p["height"])
    w.u32le(p["round"])
    w.u32le(p["pol_round"])
    w.hash(p["block_id"])
    return tagged_hash(TAG_PROPOSAL, w.getvalue())


def proposal_sig_valid(p, chain_id):
    return schnorr_verify(p["proposer"], proposal_sighash(chain_id, p), p["sig"])


# ---------------------------------------------------------------------------
# Section 12: commit.

def read_commit(r):
    c = {}
    c["height"] = r.u64le()
    c["round"] = r.u32le()
    c["block_id"] = r.hash()
    n = r.varint()
    if n > MAX_VALIDATORS:
        raise ProtocolError("commit_count")
    if n == 0:
        if c["height"] != 0 or c["round"] != 0 or c["block_id"] != ZERO_HASH:
            raise ProtocolError("commit_empty")
    else:
        if c["height"] == 0:
            raise ProtocolError("commit_empty")
        if c["block_id"] == ZERO_HASH:
            raise ProtocolError("commit_nil")
    entries = []
    for _ in range(n):
        flag = r.u8()
        if flag not in (0, 1):
            raise ProtocolError("commit_flag")
        entries.append(r.sig() if flag else None)
    c["entries"] = entries
    return c


def decode_commit(data):
    r = Reader(data)
    c = read_commit(r)
    r.end()
    return c


def write_commit(w, c):
    w.u64le(c["height"])
    w.u32le(c["round"])
    w.hash(c["block_id"])
    w.varint(len(c["entries"]))
    for sig in c["entries"]:
        if sig is None:
            w.u8(0)
        else:
            w.u8(1); w.sig(sig)


def encode_commit(c):
    w = Writer()
    write_commit(w, c)
    return w.getvalue()


def commit_hash(c):
    return tagged_hash(TAG_COMMIT, encode_commit(c))


def commit_sighash(c, chain_id):
    """The precommit vote sighash every entry of the commit signs."""
    return vote_sighash(chain_id, "precommit", c["height"], c["round"], c["block_id"])


def verify_commit(c, validators, chain_id):
    """Section 12 verification against [(key, power), ...], in the doc's order.
    Powers are u64 (0 <= power < 2^64); Python's integers make the sum and
    the 2/3 comparison exact, so only the 64-bit bound on the total is checked."""
    entries = c["entries"]
    if len(entries) != len(validators):
        raise ProtocolError("commit_set_size")
    if not entries or c["block_id"] == ZERO_HASH:
        raise ProtocolError("commit_nil")
    total = sum(power for _, power in validators)
    present = sum(power for (_, power), sig in zip(validators, entries) if sig is not None)
    if not 0 < total < 2**64 or not 3 * present > 2 * total:
        raise ProtocolError("commit_power")
    msg = commit_sighash(c, chain_id)
    for (key, _), sig in zip(validators, entries):
        if sig is not None and not schnorr_verify(key, msg, sig):
            raise ProtocolError("bad_signature")


# Section 12.1: validator set hash.

TAG_VALIDATOR = "Rostra/validator"
# SHA256(tag) as section 12.1 prints it.
TAG_VALIDATOR_SHA256 = "08e7d712696161bd60a2d7f865c1335049419289d8fe480b36a6d9c3086f6344"


def validators_hash(validators):
    """Merkle root of tagged("Rostra/validator", key || u64le power) per member,
    in set order."""
    leaves = []
    for key, power in validators:
        if len(key) != 32 or not 0 <= power < 2**64:
            raise ValueError("validator key must be 32 bytes and power a u64")
        leaves.append(tagged_hash(TAG_VALIDATOR, key + power.to_bytes(8, "little")))
    return merkle_root(leaves)


# ---------------------------------------------------------------------------
# Section 13: evidence.

def read_evidence(r):
    vote_a = read_vote(r)
    vote_b = read_vote(r)
    _check_evidence_rules(vote_a, vote_b)
    return {"vote_a": vote_a, "vote_b": vote_b}


def _check_evidence_rules(a, b):
    if any(a[k] != b[k] for k in ("type", "height", "round", "validator")):
        raise ProtocolError("evidence_mismatch")
    if not a["block_id"] < b["block_id"]:
        raise ProtocolError("evidence_order")


def decode_evidence(data):
    r = Reader(data)
    e = read_evidence(r)
    r.end()
    return e


def write_evidence(w, e):
    write_vote(w, e["vote_a"])
    write_vote(w, e["vote_b"])


def encode_evidence(e):
    w = Writer()
    write_evidence(w, e)
    return w.getvalue()


def evidence_hash(e):
    return tagged_hash(TAG_EVIDENCE, encode_evidence(e))


def verify_evidence(e, chain_id):
    _check_evidence_rules(e["vote_a"], e["vote_b"])
    for vote in (e["vote_a"], e["vote_b"]):
        if not vote_sig_valid(vote, chain_id):
            raise ProtocolError("bad_signature")


# ---------------------------------------------------------------------------
# Section 14: Merkle tree.

def merkle_root(values):
    n = len(values)
    if n == 0:
        return tagged_hash(TAG_MERKLE_EMPTY, b"")
    if n == 1:
        return tagged_hash(TAG_MERKLE_LEAF, values[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return tagged_hash(TAG_MERKLE_NODE, merkle_root(values[:k]) + merkle_root(values[k:]))


# ---------------------------------------------------------------------------
# Section 9: block.

def read_block(r):
    b = {"header": read_header(r)}
    ntx = r.varint()
    if ntx > BLOCK_MAX_TXS:
        raise ProtocolError("tx_count")
    b["txs"] = [read_tx(r) for _ in range(ntx)]
    b["last_commit"] = read_commit(r)
    nevidence = r.varint()
    if nevidence > BLOCK_MAX_EVIDENCE:
        raise ProtocolError("evidence_count")
    b["evidence"] = [read_evidence(r) for _ in range(nevidence)]
    return b


def decode_block(data):
    if len(data) > BLOCK_MAX_SIZE:
        raise ProtocolError("too_large")
    r = Reader(data)
    b = read_block(r)
    r.end()
    return b


def encode_block(b):
    w = Writer()
    write_header(w, b["header"])
    w.varint(len(b["txs"]))
    for tx in b["txs"]:
        w.raw(encode_tx(tx))
    write_commit(w, b["last_commit"])
    w.varint(len(b["evidence"]))
    for e in b["evidence"]:
        write_evidence(w, e)
    return w.getvalue()


def block_tx_root(b):
    return merkle_root([txid(tx["raw"]) for tx in b["txs"]])


def block_evidence_root(b):
    return merkle_root([evidence_hash(e) for e in b["evidence"]])


def block_check(b):
    """9.1: the stateless block checks, in order; raises the first failure."""
    h = b["header"]
    if h["height"] < 1:
        raise ProtocolError("block_height")
    if b["last_commit"]["height"] != h["height"] - 1:
        raise ProtocolError("last_commit_height")
    if h["last_commit_hash"] != commit_hash(b["last_commit"]):
        raise ProtocolError("last_commit_hash")
    if h["tx_root"] != block_tx_root(b):
        raise ProtocolError("tx_root")
    if h["evidence_root"] != block_evidence_root(b):
        raise ProtocolError("evidence_root")
    for tx in b["txs"]:
        if tx["chain_id"] != h["chain_id"]:
            raise ProtocolError("tx_chain_id")
        tx_check(tx)


# ---------------------------------------------------------------------------
# Dispatch by the vectors' `structure` names (section 16).

DECODERS = {
    "tx": decode_tx, "header": decode_header, "block": decode_block, "vote": decode_vote,
    "proposal": decode_proposal, "commit": decode_commit, "evidence": decode_evidence,
}

CHECKS = {"tx": tx_check, "block": block_check}


def result_of(fn, *args):
    """'ok' if fn(*args) passes, else the error name it raises."""
    try:
        fn(*args)
    except ProtocolError as e:
        return e.name
    return "ok"


# ---------------------------------------------------------------------------
# The `fields` form of the vectors (section 16): hex for raw bytes, strings
# for text and chain ids, null for an absent parent or commit entry.

def _hex(b):
    return None if b is None else b.hex()


def _unhex(s):
    return None if s is None else bytes.fromhex(s)


def _text(b):
    return b.decode("utf-8", errors="strict")


def to_json_payload(p):
    out = {}
    for name, value in p.items():
        if name == "tags":
            out[name] = [_text(t) for t in value]
        elif name in TEXT_FIELDS:
            out[name] = _text(value)
        elif isinstance(value, bytes) or value is None:
            out[name] = _hex(value)
        else:
            out[name] = value
    return out


def from_json_payload(p):
    out = {}
    for name, value in p.items():
        if name == "tags":
            out[name] = [t.encode("utf-8") for t in value]
        elif name in TEXT_FIELDS:
            out[name] = value.encode("utf-8")
        elif isinstance(value, str) or value is None:
            out[name] = _unhex(value)
        else:
            out[name] = value
    return out


def to_json_tx(tx):
    return {
        "version": tx["version"], "chain_id": tx["chain_id"].decode("ascii"),
        "type": tx["type"], "sender": _hex(tx["sender"]), "nonce": tx["nonce"],
        "fee": tx["fee"], "payload": to_json_payload(tx["payload"]), "sig": _hex(tx["sig"]),
    }


def from_json_tx(f):
    return {
        "version": f["version"], "chain_id": f["chain_id"].encode("ascii"),
        "type": f["type"], "sender": _unhex(f["sender"]), "nonce": f["nonce"],
        "fee": f["fee"], "payload": from_json_payload(f["payload"]),
        "sig": _unhex(f["sig"]),
    }


def to_json_header(h):
    out = {"version": h["version"], "chain_id": h["chain_id"].decode("ascii"),
           "height": h["height"], "time": h["time"]}
    for name in HEADER_HASHES:
        out[name] = _hex(h[name])
    out["proposer"] = _hex(h["proposer"])
    return out


def from_json_header(f):
    out = {"version": f["version"], "chain_id": f["chain_id"].encode("ascii"),
           "height": f["height"], "time": f["time"]}
    for name in HEADER_HASHES:
        out[name] = _unhex(f[name])
    out["proposer"] = _unhex(f["proposer"])
    return out


def to_json_vote(v):
    return {"type": v["type"], "height": v["height"], "round": v["round"],
            "block_id": _hex(v["block_id"]), "validator": _hex(v["validator"]),
            "sig": _hex(v["sig"])}


def from_json_vote(f):
    return {"type": f["type"], "height": f["height"], "round": f["round"],
            "block_id": _unhex(f["block_id"]), "validator": _unhex(f["validator"]),
            "sig": _unhex(f["sig"])}


def to_json_proposal(p):
    return {"height": p["height"], "round": p["round"], "pol_round": p["pol_round"],
            "block_id": _hex(p["block_id"]), "proposer": _hex(p["proposer"]),
            "sig": _hex(p["sig"])}


def from_json_proposal(f):
    return {"height": f["height"], "round": f["round"], "pol_round": f["pol_round"],
            "block_id": _unhex(f["block_id"]), "proposer": _unhex(f["proposer"]),
            "sig": _unhex(f["sig"])}


def to_json_commit(c):
    return {"height": c["height"], "round": c["round"], "block_id": _hex(c["block_id"]),
            "entries": [_hex(s) for s in c["entries"]]}


def from_json_commit(f):
    return {"height": f["height"], "round": f["round"], "block_id": _unhex(f["block_id"]),
            "entries": [_unhex(s) for s in f["entries"]]}


def to_json_evidence(e):
    return {"vote_a": to_json_vote(e["vote_a"]), "vote_b": to_json_vote(e["vote_b"])}


def from_json_evidence(f):
    return {"vote_a": from_json_vote(f["vote_a"]), "vote_b": from_json_vote(f["vote_b"])}


def to_json_block(b):
    return {"header": to_json_header(b["header"]),
            "txs": [tx["raw"].hex() for tx in b["txs"]],
            "last_commit": to_json_commit(b["last_commit"]),
            "evidence": [to_json_evidence(e) for e in b["evidence"]]}


def from_json_block(f):
    return {"header": from_json_header(f["header"]),
            "txs": [decode_tx(bytes.fromhex(t)) for t in f["txs"]],
            "last_commit": from_json_commit(f["last_commit"]),
            "evidence": [from_json_evidence(e) for e in f["evidence"]]}
