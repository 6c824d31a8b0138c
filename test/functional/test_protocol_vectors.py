#!/usr/bin/env python3
"""Check test/data/vectors.json with the independent decoder rostra_protocol.

This is the acceptance test of doc/protocol.md: a decoder written in
standard-library Python from the doc alone must reproduce every entry of the
vectors: fields (both ways: decoding `hex` gives `fields`, encoding `fields`
gives `hex`), hashes and ids, sighashes, signature validity, the stateless
check and verification results, and the error of every invalid entry.
Where the vectors use aux_rand = 32 zero bytes and the signer's secret key
is listed, every valid signature is also re-made with BIP340 Sign and must
be byte-identical (section 4: deterministic test signatures).

Exit 0 when everything matches, 1 on any mismatch.
"""
import json
import os
import re
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rostra_protocol as rp  # noqa: E402


class Checker:
    """Counts checks per section and records every mismatch."""

    def __init__(self):
        self.failures = []
        self.counts = {}
        self.section = None

    def start(self, section):
        self.section = section
        self.counts.setdefault(section, {"entries": 0, "checks": 0, "sigs": 0, "resigned": 0})

    def bump(self, what, n=1):
        self.counts[self.section][what] += n

    def expect(self, label, got, want):
        self.bump("checks")
        if got != want:
            self.failures.append(f"{self.section}: {label}: got {got!r}, expected {want!r}")
            return False
        return True

    def fail(self, label, message):
        self.bump("checks")
        self.failures.append(f"{self.section}: {label}: {message}")

    def report(self, section, extra=""):
        c = self.counts.get(section, {"entries": 0, "checks": 0, "sigs": 0, "resigned": 0})
        line = f"{section}: {c['entries']} entries, {c['checks']} checks"
        if c["sigs"]:
            line += f", {c['sigs']} signatures verified"
        if c["resigned"]:
            line += f", {c['resigned']} re-signed identically"
        print(line + extra, flush=True)


TOP_LEVEL_KEYS = {"about", "chain_id", "aux", "keys", "addresses", "tags", "transactions", "headers", "blocks",
                  "votes", "proposals", "commits", "evidence", "merkle", "invalid"}


def h(s):
    return bytes.fromhex(s)


def parse_power(s):
    """Section 16: a voting power is a u64 written as a decimal string (no sign,
    no leading zeros), since it may pass 2^53."""
    if not isinstance(s, str) or not re.fullmatch(r"0|[1-9][0-9]*", s) or int(s) >= 2**64:
        raise ValueError(f"power {s!r} is not a u64 decimal string")
    return int(s)


def invalid_input(e):
    """Section 16: an invalid entry's input is `hex`, followed by zero bytes up
    to `pad_to` bytes when that key is present."""
    raw = h(e["hex"])
    if "pad_to" in e:
        if not isinstance(e["pad_to"], int) or e["pad_to"] <= len(raw):
            raise ValueError(f"pad_to {e['pad_to']!r} must be above the hex length {len(raw)}")
        raw += bytes(e["pad_to"] - len(raw))
    return raw


def srcdir():
    env = os.environ.get("ROSTRA_SRCDIR")
    if env:
        return env
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class VectorTest:
    def __init__(self, vectors):
        self.v = vectors
        self.c = Checker()
        self.chain_id = vectors["chain_id"].encode("ascii")
        self.aux = h(vectors["aux"])
        self.seckeys = {}  # x-only pubkey -> seckey, from `keys`

    # -- helpers ------------------------------------------------------------

    def guarded(self, label, fn, *args):
        """Run one entry's checks; a crash is a mismatch, not an abort."""
        try:
            fn(*args)
        except rp.ProtocolError as e:
            self.c.fail(label, f"unexpected rejection {e.name!r}")
        except Exception:  # noqa: BLE001 - report any decoder bug as a mismatch
            self.c.fail(label, "exception:\n" + traceback.format_exc())

    def check_sig(self, label, pubkey, msg, sig, want_valid):
        """Signature validity; a valid one by a listed key is re-made and compared."""
        self.c.bump("sigs")
        valid = rp.schnorr_verify(pubkey, msg, sig)
        self.c.expect(f"{label} sig_valid", valid, want_valid)
        if valid and pubkey in self.seckeys:
            resigned = rp.schnorr_sign(self.seckeys[pubkey], msg, self.aux)
            if self.c.expect(f"{label} deterministic re-signature", resigned.hex(), sig.hex()):
                self.c.bump("resigned")

    def roundtrip(self, label, entry, decode, to_json, from_json, encode):
        """decode(hex) -> fields and encode(fields) -> hex; returns the decoded value."""
        raw = h(entry["hex"])
        value = decode(raw)
        self.c.expect(f"{label} fields", to_json(value), entry["fields"])
        self.c.expect(f"{label} encoding of fields", encode(from_json(entry["fields"])).hex(),
                      entry["hex"])
        return value

    # -- sections -------------------------------------------------------------

    def primitives(self):
        """The worked examples of section 2 (no vectors: the doc's own numbers)."""
        self.c.start("primitives")
        examples = {0: "00", 1: "01", 127: "7f", 128: "8001", 300: "ac02", 1000: "e807",
                    16385: "818001", 2**64 - 1: "ffffffffffffffffff01"}
        for value, enc in examples.items():
            self.c.bump("entries")
            self.c.expect(f"varint {value} encode", rp.encode_varint(value).hex(), enc)
            self.c.expect(f"varint {enc} decode", rp.decode_varint(h(enc)), value)
        for enc, err in (("8000", "varint_noncanonical"), ("ff" * 9 + "02", "varint_overflow"),
                         ("80", "truncated"), ("", "truncated")):
            self.c.bump("entries")
            self.c.expect(f"varint {enc!r} rejection", rp.result_of(rp.decode_varint, h(enc)), err)
        self.c.bump("entries")
        self.c.expect("i16 -2500", rp.Reader(h("3cf6")).i16(), -2500)
        w = rp.Writer()
        w.i16(-2500)
        self.c.expect("i16 -2500 encode", w.getvalue().hex(), "3cf6")
        # Section 5: the pattern on the whole content, and the 10..25 bytes it implies.
        chain_ids = {b"testnet-1a2b3c4d": True, b"a-00000000": True, b"a" * 16 + b"-0123abcd": True,
                     b"a" * 17 + b"-0123abcd": False, b"-1a2b3c4d": False,
                     b"testnet-1a2b3c4d5": False, b"testnet-1a2b3c4": False,
                     b"testnet-1a2b3c4d\n": False, b"testnet_1a2b3c4d": False,
                     b"test-net-1a2b3c4d": False, b"testnet-1A2B3C4D": False}
        for cid, ok in chain_ids.items():
            self.c.bump("entries")
            self.c.expect(f"chain id {cid!r}", rp.is_valid_chain_id(cid), ok)
        self.c.report("primitives")

    def top_level(self):
        self.c.start("top-level")
        self.c.bump("entries")
        self.c.expect("top-level keys (section 16 table)", sorted(self.v), sorted(TOP_LEVEL_KEYS))
        self.c.expect("chain_id valid", rp.is_valid_chain_id(self.chain_id), True)
        self.c.expect("aux is 32 zero bytes", self.aux, bytes(32))
        ints = list(_all_ints(self.v))
        self.c.expect("every integer below 2^53", [i for i in ints if not 0 <= abs(i) < 2**53], [])
        self.c.report("top-level")

    def tags(self):
        self.c.start("tags")
        self.c.expect("tag list (section 3 table, in order)",
                      [t["tag"] for t in self.v["tags"]], list(rp.HASH_TAGS))
        self.c.expect(f"SHA256({rp.TAG_VALIDATOR}) as printed in section 12.1",
                      rp.sha256(rp.TAG_VALIDATOR.encode("ascii")).hex(), rp.TAG_VALIDATOR_SHA256)
        for t in self.v["tags"]:
            self.c.bump("entries")
            computed = rp.sha256(t["tag"].encode("ascii")).hex()
            self.c.expect(f"SHA256({t['tag']})", computed, t["sha256"])
            self.c.expect(f"SHA256({t['tag']}) as printed in section 3",
                          computed, rp.HASH_TAGS.get(t["tag"]))
        self.c.report("tags")

    def keys(self):
        self.c.start("keys")
        for i, k in enumerate(self.v["keys"]):
            self.c.bump("entries")
            label = k["name"]
            sk = h(k["seckey"])
            self.c.expect(f"{label} seckey = {32*i+1}..{32*i+32}", sk,
                          bytes(range(32 * i + 1, 32 * i + 33)))
            pk = rp.pubkey_from_seckey(sk)
            self.c.expect(f"{label} pubkey", pk.hex(), k["pubkey"])
            self.seckeys[pk] = sk
            for net, hrp in rp.ADDRESS_HRPS.items():
                addr = k[f"address_{net}"]
                self.c.expect(f"{label} address_{net}", rp.encode_address(hrp, pk), addr)
                self.c.expect(f"{label} address_{net} decodes", rp.decode_address(hrp, addr), pk)
                self.c.expect(f"{label} address_{net} length", len(addr), len(hrp) + 1 + 1 + 52 + 6)
                other = "ro" if hrp != "ro" else "tro"
                self.c.expect(f"{label} address_{net} under HRP {other!r}",
                              rp.decode_address(other, addr), None)
        self.c.report("keys")

    def addresses(self):
        self.c.start("addresses")
        for e in self.v["addresses"]:
            self.c.bump("entries")
            want = None if e["pubkey"] is None else h(e["pubkey"])
            got = rp.decode_address(rp.ADDRESS_HRPS[e["network"]], e["address"])
            self.c.expect(f"{e['name']} decodes to", got, want)
        self.c.report("addresses")

    def merkle(self):
        self.c.start("merkle")
        for i, m in enumerate(self.v["merkle"]):
            self.c.bump("entries")
            self.c.expect(f"root of {len(m['leaves'])} leaves",
                          rp.merkle_root([h(x) for x in m["leaves"]]).hex(), m["root"])
        self.c.report("merkle")

    def transactions(self):
        self.c.start("transactions")
        for e in self.v["transactions"]:
            self.c.bump("entries")
            self.guarded(e["name"], self._transaction, e)
        self.c.report("transactions")

    def _transaction(self, e):
        label = e["name"]
        tx = self.roundtrip(label, e, rp.decode_tx, rp.to_json_tx, rp.from_json_tx, rp.encode_tx)
        raw = h(e["hex"])
        self.c.expect(f"{label} sighash", rp.tx_sighash(raw).hex(), e["sighash"])
        self.c.expect(f"{label} txid", rp.txid(raw).hex(), e["txid"])
        self.check_sig(label, tx["sender"], rp.tx_sighash(raw), tx["sig"], e["sig_valid"])
        self.c.expect(f"{label} check", rp.result_of(rp.tx_check, tx), e["check"])

    def headers(self):
        self.c.start("headers")
        for e in self.v["headers"]:
            self.c.bump("entries")
            self.guarded(e["name"], self._header, e)
        self.c.report("headers")

    def _header(self, e):
        label = e["name"]
        hdr = self.roundtrip(label, e, rp.decode_header, rp.to_json_header, rp.from_json_header,
                             rp.encode_header)
        self.c.expect(f"{label} id", rp.block_id(hdr).hex(), e["id"])

    def blocks(self):
        self.c.start("blocks")
        for e in self.v["blocks"]:
            self.c.bump("entries")
            self.guarded(e["name"], self._block, e)
        self.c.report("blocks")

    def _block(self, e):
        label = e["name"]
        blk = self.roundtrip(label, e, rp.decode_block, rp.to_json_block, rp.from_json_block,
                             rp.encode_block)
        self.c.expect(f"{label} id", rp.block_id(blk["header"]).hex(), e["id"])
        self.c.expect(f"{label} txids", [rp.txid(tx["raw"]).hex() for tx in blk["txs"]], e["txids"])
        self.c.expect(f"{label} tx_root", rp.block_tx_root(blk).hex(), e["tx_root"])
        self.c.expect(f"{label} evidence_root", rp.block_evidence_root(blk).hex(),
                      e["evidence_root"])
        self.c.expect(f"{label} last_commit_hash", rp.commit_hash(blk["last_commit"]).hex(),
                      e["last_commit_hash"])
        self.c.expect(f"{label} check", rp.result_of(rp.block_check, blk), e["check"])

    def votes(self):
        self.c.start("votes")
        for e in self.v["votes"]:
            self.c.bump("entries")
            self.guarded(e["name"], self._vote, e)
        self.c.report("votes")

    def _vote(self, e):
        label = e["name"]
        vote = self.roundtrip(label, e, rp.decode_vote, rp.to_json_vote, rp.from_json_vote,
                              rp.encode_vote)
        msg = rp.vote_sighash(self.chain_id, vote["type"], vote["height"], vote["round"],
                              vote["block_id"])
        self.c.expect(f"{label} sighash", msg.hex(), e["sighash"])
        self.check_sig(label, vote["validator"], msg, vote["sig"], e["sig_valid"])

    def proposals(self):
        self.c.start("proposals")
        for e in self.v["proposals"]:
            self.c.bump("entries")
            self.guarded(e["name"], self._proposal, e)
        self.c.report("proposals")

    def _proposal(self, e):
        label = e["name"]
        prop = self.roundtrip(label, e, rp.decode_proposal, rp.to_json_proposal,
                              rp.from_json_proposal, rp.encode_proposal)
        msg = rp.proposal_sighash(self.chain_id, prop)
        self.c.expect(f"{label} sighash", msg.hex(), e["sighash"])
        self.check_sig(label, prop["proposer"], msg, prop["sig"], e["sig_valid"])

    def commits(self):
        self.c.start("commits")
        for e in self.v["commits"]:
            self.c.bump("entries")
            self.guarded(e["name"], self._commit, e)
        self.c.report("commits")

    def _commit(self, e):
        label = e["name"]
        com = self.roundtrip(label, e, rp.decode_commit, rp.to_json_commit, rp.from_json_commit,
                             rp.encode_commit)
        self.c.expect(f"{label} hash", rp.commit_hash(com).hex(), e["hash"])
        msg = rp.commit_sighash(com, self.chain_id)
        self.c.expect(f"{label} sighash", msg.hex(), e["sighash"])
        validators = [(h(x["pubkey"]), parse_power(x["power"])) for x in e["validators"]]
        self.c.expect(f"{label} validators_hash", rp.validators_hash(validators).hex(),
                      e["validators_hash"])
        self.c.expect(f"{label} verify", rp.result_of(rp.verify_commit, com, validators,
                                                      self.chain_id), e["verify"])
        # Each present entry on its own: valid ones must be the listed key's
        # deterministic signature (a wrong one is what makes `bad_signature`).
        for i, sig in enumerate(com["entries"]):
            if sig is not None and i < len(validators):
                key = validators[i][0]
                if rp.schnorr_verify(key, msg, sig):
                    self.check_sig(f"{label} entry {i}", key, msg, sig, True)

    def evidence(self):
        self.c.start("evidence")
        for e in self.v["evidence"]:
            self.c.bump("entries")
            self.guarded(e["name"], self._evidence, e)
        self.c.report("evidence")

    def _evidence(self, e):
        label = e["name"]
        ev = self.roundtrip(label, e, rp.decode_evidence, rp.to_json_evidence,
                            rp.from_json_evidence, rp.encode_evidence)
        self.c.expect(f"{label} hash", rp.evidence_hash(ev).hex(), e["hash"])
        self.c.expect(f"{label} verify", rp.result_of(rp.verify_evidence, ev, self.chain_id),
                      e["verify"])
        for side in ("vote_a", "vote_b"):
            vote = ev[side]
            msg = rp.vote_sighash(self.chain_id, vote["type"], vote["height"], vote["round"],
                                  vote["block_id"])
            if rp.schnorr_verify(vote["validator"], msg, vote["sig"]):
                self.check_sig(f"{label} {side}", vote["validator"], msg, vote["sig"], True)

    def invalid(self):
        self.c.start("invalid")
        by_structure = {}
        for e in self.v["invalid"]:
            self.c.bump("entries")
            key = (e["structure"], e["stage"])
            by_structure[key] = by_structure.get(key, 0) + 1
            self.guarded(f"{e['structure']} {e['name']}", self._invalid, e)
        detail = ", ".join(f"{s} {st} {n}" for (s, st), n in sorted(by_structure.items()))
        self.c.report("invalid", f" ({detail})")

    def _invalid(self, e):
        label = f"{e['structure']} {e['name']}"
        decode = rp.DECODERS[e["structure"]]
        raw = invalid_input(e)
        if e["stage"] == "decode":
            self.c.expect(f"{label} decode error", rp.result_of(decode, raw), e["error"])
        elif e["stage"] == "check":
            try:
                value = decode(raw)
            except rp.ProtocolError as err:
                self.c.fail(label, f"decode must succeed at stage 'check', got {err.name!r}")
                return
            self.c.expect(f"{label} check error",
                          rp.result_of(rp.CHECKS[e["structure"]], value), e["error"])
        else:
            self.c.fail(label, f"unknown stage {e['stage']!r}")

    def coverage(self):
        """The vectors exercise every rule: each error name of section 15 is the
        expected result of some entry, and the cases below (found by their
        content, not their names) are present."""
        self.c.start("coverage")
        expected = {e["error"] for e in self.v["invalid"]}
        for section, key in (("transactions", "check"), ("blocks", "check"),
                             ("commits", "verify"), ("evidence", "verify")):
            expected |= {e[key] for e in self.v[section]}
        for name in rp.ERROR_NAMES:
            self.c.bump("entries")
            self.c.expect(f"some vector expects {name!r}", name in expected, True)
        self.c.expect("no vector expects an error missing from section 15",
                      sorted(expected - set(rp.ERROR_NAMES) - {"ok"}), [])
        for label, found in self.required_cases():
            self.c.bump("entries")
            self.c.expect(f"a vector has {label}", found, True)
        self.c.report("coverage")

    def required_cases(self):
        """(description, present?) for each case a reviewer asked for."""
        def sig_part(e, lo):
            return int.from_bytes(h(e["fields"]["sig"])[lo:lo + 32], "big")

        def sets(verify):
            for e in self.v["commits"]:
                if e["verify"] == verify:
                    yield e, [parse_power(x["power"]) for x in e["validators"]]

        def invalid(structure, error):
            return [invalid_input(e) for e in self.v["invalid"]
                    if e["structure"] == structure and e["error"] == error]

        def votes_differ_only_in(field):
            for raw in invalid("evidence", "evidence_mismatch"):
                a, b = rp.decode_vote(raw[:141]), rp.decode_vote(raw[141:])
                if [k for k in a if a[k] != b[k] and k != "sig"] == [field]:
                    return True
            return False

        def tx_chain_ids(error):
            for raw in invalid("tx", error):
                r = rp.Reader(raw)
                r.u8()
                yield r.fixed(r.varint())

        txs = self.v["transactions"]
        yield ("a signature with r >= p (sig_valid false)",
               any(sig_part(e, 0) >= rp.P and not e["sig_valid"] for e in txs))
        yield ("a signature with s >= n (sig_valid false)",
               any(sig_part(e, 32) >= rp.N and not e["sig_valid"] for e in txs))
        yield ("a valid profile with an empty handle",
               any(e["fields"]["type"] == "profile" and e["fields"]["payload"]["handle"] == ""
                   and e["check"] == "ok" and e["sig_valid"] for e in txs))
        yield ("a commit checked against a smaller set (commit_set_size)",
               any(len(p) < len(e["fields"]["entries"]) for e, p in sets("commit_set_size")))
        yield ("a commit checked against a larger set (commit_set_size)",
               any(len(p) > len(e["fields"]["entries"]) for e, p in sets("commit_set_size")))
        yield ("a commit whose set has total power 0 (commit_power)",
               any(sum(p) == 0 for _, p in sets("commit_power")))
        yield ("a commit whose set's total power passes 64 bits (commit_power)",
               any(sum(p) >= 2**64 for _, p in sets("commit_power")))
        yield ("a valid commit whose set's total power is 2^64 - 1",
               any(sum(p) == 2**64 - 1 for _, p in sets("ok")))
        yield ("evidence with a bad signature (bad_signature)",
               any(e["verify"] == "bad_signature" for e in self.v["evidence"]))
        yield ("evidence whose votes differ only in round (evidence_mismatch)",
               votes_differ_only_in("round"))
        yield ("evidence whose votes differ only in validator (evidence_mismatch)",
               votes_differ_only_in("validator"))
        yield ("a block over 2 MiB (too_large)",
               any(len(raw) > rp.BLOCK_MAX_SIZE for raw in invalid("block", "too_large")))
        yield ("a chain id with more than 8 hex digits (chain_id)",
               any(re.fullmatch(rb"[a-z]{1,16}-[0-9a-f]{9,}", c) for c in tx_chain_ids("chain_id")))
        yield ("a chain id with a trailing newline (chain_id)",
               any(re.fullmatch(rb"[a-z]{1,16}-[0-9a-f]{8}\n", c) for c in tx_chain_ids("chain_id")))

    def run(self):
        self.primitives()
        self.top_level()
        self.tags()
        self.keys()
        self.addresses()
        self.merkle()
        self.transactions()
        self.headers()
        self.blocks()
        self.votes()
        self.proposals()
        self.commits()
        self.evidence()
        self.invalid()
        self.coverage()
        return self.c


def _all_ints(node):
    if isinstance(node, bool):
        return
    if isinstance(node, int):
        yield node
    elif isinstance(node, dict):
        for x in node.values():
            yield from _all_ints(x)
    elif isinstance(node, list):
        for x in node:
            yield from _all_ints(x)


def main():
    path = os.path.join(srcdir(), "test", "data", "vectors.json")
    with open(path, encoding="utf-8") as f:
        vectors = json.load(f)
    checker = VectorTest(vectors).run()
    total = sum(c["checks"] for c in checker.counts.values())
    if checker.failures:
        print(f"{len(checker.failures)} mismatch(es) out of {total} checks:")
        for line in checker.failures:
            print("  " + line)
        return 1
    print(f"all {total} checks match {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
