"""Chain helpers for functional tests: keys from a node's files, and
transactions built and signed in Python (rostra_protocol.py, the
independent implementation of doc/protocol.md).

    key = read_key(node, "funded_key")            # (seckey bytes, pubkey bytes)
    info = node.rpc.getblockchaininfo()
    hextx = make_tx(key, info["chainid"], "transfer", nonce=0,
                    payload={"to": other_pub, "amount": 5, "memo": b""})
    node.rpc.sendrawtransaction(hextx)
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import rostra_protocol as rp  # noqa: E402

MIN_FEE_PER_BYTE = 10  # regtest and testnet (doc/social.md §13)


def read_key(node, name):
    """The (seckey, pubkey) in a key file of the node's network directory."""
    text = node.read_file(name)
    if text is None:
        raise FileNotFoundError(node.path(name))
    sk = bytes.fromhex(text.strip())
    return sk, rp.pubkey_from_seckey(sk)


def new_key():
    """A fresh random (seckey, pubkey)."""
    while True:
        sk = os.urandom(32)
        try:
            return sk, rp.pubkey_from_seckey(sk)
        except Exception:
            continue


def address(pub, chain="regtest"):
    return rp.encode_address(rp.ADDRESS_HRPS[chain], pub)


def make_tx(key, chain_id, type_name, nonce, payload, fee=None):
    """Encode and sign a transaction; return its hex. fee None: the minimum
    for its size at MIN_FEE_PER_BYTE."""
    sk, pub = key
    if isinstance(chain_id, str):
        chain_id = chain_id.encode()
    tx = {"version": 1, "chain_id": chain_id, "type": type_name, "sender": pub,
          "nonce": nonce, "fee": 0, "payload": payload, "sig": bytes(64)}
    if fee is None:
        size = len(rp.encode_tx(tx))
        for _ in range(3):  # the fee's varint length may change the size
            tx["fee"] = MIN_FEE_PER_BYTE * size
            size = len(rp.encode_tx(tx))
        fee = MIN_FEE_PER_BYTE * size
    tx["fee"] = fee
    raw = rp.encode_tx(tx)
    sig = rp.schnorr_sign(sk, rp.tx_sighash(raw), os.urandom(32))
    tx["sig"] = sig
    return rp.encode_tx(tx).hex()


def transfer(key, chain_id, nonce, to_pub, amount, memo=b"", fee=None):
    return make_tx(key, chain_id, "transfer", nonce, {"to": to_pub, "amount": amount, "memo": memo},
                   fee=fee)


def post(key, chain_id, nonce, body, parent=None, tags=(), fee=None):
    return make_tx(key, chain_id, "post", nonce,
                   {"parent": parent, "body": body.encode() if isinstance(body, str) else body,
                    "tags": [t.encode() for t in tags]}, fee=fee)


def txid_of(hextx):
    return rp.txid(bytes.fromhex(hextx)).hex()
