#!/usr/bin/env python3
"""rostra-tx without a node: genkey and address agree, every transaction
type builds, signs and decodes back to its arguments with the least fee
for its size, a key file works like -key, and every bad input exits 1 with
a message."""
import json
import os
import subprocess

from framework import RostraTest, assert_equal, assert_in, assert_true
from framework.node import program

CHAINID = "regtest-0011aabb"


class TxOfflineTest(RostraTest):
    def run_test(self):
        self.tool = program("rostra-tx")
        key = self.genkey()
        self.build_all(key)
        self.keyfile(key)
        self.errors(key)

    def run(self, *args):
        return subprocess.run([self.tool, *args], capture_output=True, text=True, timeout=30)

    def ok(self, *args):
        p = self.run(*args)
        assert_equal(p.returncode, 0, f"rostra-tx {args}: {p.stderr}")
        return p.stdout.strip()

    def genkey(self):
        self.log("genkey gives a key whose address 'address' agrees with")
        key = json.loads(self.ok("-regtest", "genkey"))
        assert_equal(len(key["seckey"]), 64)
        assert_true(key["address"].startswith("rro1"))
        assert_equal(self.ok("-regtest", "-key=" + key["seckey"], "address"), key["address"])
        main = json.loads(self.ok("genkey"))
        assert_true(main["address"].startswith("ro1"))
        return key

    def decode(self, hexstr):
        return json.loads(self.ok("decode", hexstr))

    def build_all(self, key):
        self.log("every type builds, and decodes to its arguments")
        other = json.loads(self.ok("-regtest", "genkey"))
        post = "ab" * 32
        cases = [
            (["transfer", other["address"], "500", "rent"], "transfer",
             {"to": other["address"], "amount": 500, "memo": "rent"}),
            (["-parent=" + post, "-tag=zeta", "-tag=alpha", "post", "a reply"], "post",
             {"parent": post, "body": "a reply", "tags": ["alpha", "zeta"]}),
            (["vote", post, "-2500"], "vote", {"post": post, "weight": -2500}),
            (["endorse", other["address"], "5000"], "endorse",
             {"subject": other["address"], "weight": 5000}),
            (["follow", other["address"]], "follow", {"target": other["address"]}),
            (["unfollow", other["pubkey"]], "unfollow", {"target": other["address"]}),
            (["profile", "alice", "Alice", "about me", "https://a.example"], "profile",
             {"handle": "alice", "name": "Alice", "about": "about me",
              "website": "https://a.example"}),
            (["stake", other["address"], "7"], "stake", {"validator": other["address"], "amount": 7}),
            (["unstake", other["address"], "7"], "unstake",
             {"validator": other["address"], "amount": 7}),
            (["validator", other["pubkey"], "v1", "500"], "validator",
             {"consensus_key": other["pubkey"], "moniker": "v1", "commission": 500}),
            (["unjail"], "unjail", {}),
        ]
        for args, typ, payload in cases:
            # options before the command; the command's own options lead it
            opts = [a for a in args if a.startswith("-parent") or a.startswith("-tag")]
            rest = [a for a in args if a not in opts]
            hexstr = self.ok("-regtest", "-chainid=" + CHAINID, "-key=" + key["seckey"],
                             "-nonce=4", *opts, *rest)
            d = self.decode(hexstr)
            assert_equal(d["type"], typ)
            assert_equal(d["chainid"], CHAINID)
            assert_equal(d["sender"], key["address"])
            assert_equal(d["nonce"], 4)
            assert_equal(d["fee"], 10 * d["size"], "the least fee at 10 per byte")
            assert_equal(d["valid"], True)
            assert_equal(d["payload"], payload)
        self.log("-fee and -feerate")
        d = self.decode(self.ok("-regtest", "-chainid=" + CHAINID, "-key=" + key["seckey"],
                                "-fee=99999", "follow", other["address"]))
        assert_equal(d["fee"], 99999)
        d = self.decode(self.ok("-regtest", "-chainid=" + CHAINID, "-key=" + key["seckey"],
                                "-feerate=3", "follow", other["address"]))
        assert_equal(d["fee"], 3 * d["size"])

    def keyfile(self, key):
        self.log("-keyfile reads a key file as the wallet writes it")
        path = os.path.join(self.tmpdir, "my.key")
        with open(path, "w") as f:
            f.write(key["seckey"] + "\n")
        assert_equal(self.ok("-regtest", "-keyfile=" + path, "address"), key["address"])

    def errors(self, key):
        self.log("bad input exits 1 with a message")
        base = ["-regtest", "-chainid=" + CHAINID, "-key=" + key["seckey"]]
        cases = [
            ([], "no command"),
            (["-nope", "genkey"], "unknown option"),
            (["-chain=moon", "genkey"], "unknown chain"),
            (["-nonce=x", "genkey"], "invalid value"),
            (["-regtest", "address"], "-key"),
            (["-key=zz", "address"], "not a secret key"),
            (["-keyfile=/nonexistent/key", "address"], "cannot read"),
            (["decode", "zz"], "not a hex"),
            (["decode", "00"], "cannot decode"),
            (["-regtest", "-key=" + key["seckey"], "follow", key["address"]], "chain id"),
            (base + ["bogus"], "unknown command"),
            (base + ["follow"], "wrong number"),
            (base + ["transfer", "rro1bad", "5"], "invalid argument"),
            (base + ["transfer", key["address"], "0"], "invalid transaction"),
            (base + ["vote", "00", "5"], "invalid argument"),
            (base + ["vote", "ab" * 32, "10001"], "invalid argument"),
            (base + ["post", ""], "invalid transaction"),
            (base + ["-tag=Bad", "post", "x"], "invalid transaction"),
            (base + ["profile", "x"], "invalid transaction"),
        ]
        for args, msg in cases:
            p = self.run(*args)
            assert_equal(p.returncode, 1, f"rostra-tx {args}")
            assert_in(msg, p.stderr, f"rostra-tx {args}")
        assert_in("Usage", self.ok("-help"))


if __name__ == "__main__":
    TxOfflineTest().main()
