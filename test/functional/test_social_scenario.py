#!/usr/bin/env python3
"""A social scenario on a regtest node, through the wallet and the social
methods: funded accounts, profiles, posts and replies, votes and re-votes,
endorsements, follows and unfollows, the feed's contents and order,
reputation effects, paging through long lists to the end; and every
social method's error paths (-5, -8, -32602)."""
from framework import RostraTest, assert_equal, assert_in, assert_raises_rpc, assert_true

COIN = 100000000


class SocialScenarioTest(RostraTest):
    def run_test(self):
        node = self.add_node()
        node.start()
        self.rpc = rpc = node.rpc
        self.accounts()
        self.posts_and_votes()
        self.endorsements()
        self.follows_and_feed()
        self.paging()
        self.errors()
        assert_equal(node.stop(), 0)

    def mine(self):
        self.rpc.generate(1)
        assert_equal(self.rpc.getmempoolinfo()["size"], 0)

    def accounts(self):
        rpc = self.rpc
        self.log("fund four accounts from the funded key, each with a profile")
        self.funded = rpc.listaddresses()[0]["address"]
        self.a = {}
        for name in ["alice", "bob", "carol", "dave"]:
            addr = rpc.getnewaddress()
            rpc.sendtoaddress(addr, 1000 * COIN, "", self.funded)
            self.a[name] = addr
        self.mine()
        for name, addr in self.a.items():
            rpc.setprofile(name, name.title(), f"I am {name}", "", addr)
        self.validator = rpc.getvalidators()["active"][0]["operator"]
        for name in ["bob", "carol", "dave"]:
            rpc.stake(self.validator, 500 * COIN, self.a[name])
        self.mine()
        for name, addr in self.a.items():
            acc = rpc.getaccount("@" + name)
            assert_equal(acc["address"], addr)
            assert_equal(acc["handle"], name)
            assert_equal(acc["name"], name.title())
            assert_equal(acc["nonce"], 1 if name == "alice" else 2)
            assert_equal(acc["pendingnonce"], acc["nonce"])
        assert_equal(rpc.getaccount(self.a["bob"])["staked"], 500 * COIN)

    def posts_and_votes(self):
        rpc, a = self.rpc, self.a
        self.log("posts, a reply, votes and a re-vote move the tallies and reputation")
        self.p1 = rpc.post("hello rostra", None, ["intro", "hello"], a["alice"])
        self.mine()
        reply = rpc.post("welcome!", self.p1, None, a["bob"])
        rpc.vote(self.p1, 10000, a["bob"])
        rpc.vote(self.p1, 5000, a["carol"])
        self.mine()
        p = rpc.getpost(self.p1)
        assert_equal((p["author"], p["body"], p["tags"]), (a["alice"], "hello rostra", ["hello", "intro"]))
        assert_equal((p["votes"], p["upvotes"], p["downvotes"], p["replies"]), (2, 15000, 0, 1))
        assert_equal(p["parent"], None)
        rep1 = rpc.getreputation("@alice")
        assert_true(rep1["reputation"] > 0, "upvotes raise the author's reputation")
        r = rpc.getreplies(self.p1)
        assert_equal([x["id"] for x in r["items"]], [reply])
        assert_equal(r["items"][0]["parent"], self.p1)
        assert_equal(r["next"], None)
        self.log("a re-vote replaces the earlier vote")
        rpc.vote(self.p1, -2000, a["carol"])
        self.mine()
        p = rpc.getpost(self.p1)
        assert_equal((p["votes"], p["upvotes"], p["downvotes"]), (2, 10000, 2000))
        votes = {v["voter"]: v["weight"] for v in rpc.getvotes(self.p1)["items"]}
        assert_equal(votes, {a["bob"]: 10000, a["carol"]: -2000})
        rep2 = rpc.getreputation("@alice")
        assert_true(rep2["reputation"] < rep1["reputation"], "the re-vote takes back reputation")
        self.log("a self-vote moves no reputation")
        rpc.vote(self.p1, 10000, a["alice"])
        self.mine()
        assert_equal(rpc.getreputation("@alice")["reputation"], rep2["reputation"])
        top = rpc.gettopaccounts()["items"]
        assert_equal(top[0]["address"], a["alice"])
        assert_equal(top[0]["handle"], "alice")

    def endorsements(self):
        rpc, a = self.rpc, self.a
        self.log("an endorsement is one replaceable entry per pair")
        before = rpc.getreputation("@dave")["reputation"]
        rpc.endorse("@dave", 3000, a["bob"])
        self.mine()
        after = rpc.getreputation("@dave")["reputation"]
        assert_true(after > before, "an endorsement raises reputation")
        rpc.endorse("@dave", 1000, a["bob"])
        self.mine()
        e = rpc.getendorsements("@dave")["items"]
        assert_equal(e, [{"endorser": a["bob"], "weight": 1000}])
        assert_equal(rpc.getendorsements(a["bob"], 20, None, "given")["items"],
                     [{"subject": a["dave"], "weight": 1000}])
        assert_true(rpc.getreputation("@dave")["reputation"] < after)
        rpc.endorse("@dave", 0, a["bob"])
        self.mine()
        assert_equal(rpc.getendorsements("@dave")["items"], [])

    def follows_and_feed(self):
        rpc, a = self.rpc, self.a
        self.log("follows, the feed newest first, unfollow")
        rpc.follow("@alice", a["dave"])
        rpc.follow("@bob", a["dave"])
        self.mine()
        assert_equal(rpc.getaccount("@dave")["following"], 2)
        assert_equal(rpc.getfollowers("@alice")["items"], [a["dave"]])
        assert_equal(sorted(rpc.getfollowing("@dave")["items"]), sorted([a["alice"], a["bob"]]))
        b1 = rpc.post("bob one", None, None, a["bob"])
        self.mine()
        a2 = rpc.post("alice two", None, None, a["alice"])
        self.mine()
        feed = [p["id"] for p in rpc.getfeed("@dave")["items"]]
        assert_equal(feed[:2], [a2, b1])
        assert_in(self.p1, feed)
        rpc.unfollow("@bob", a["dave"])
        self.mine()
        feed = [p["id"] for p in rpc.getfeed("@dave")["items"]]
        assert_true(b1 not in feed and a2 in feed, "an unfollowed author leaves the feed")
        hist = rpc.getaccounthistory("@dave", 3)["items"]
        assert_equal([h["type"] for h in hist], ["unfollow", "follow", "follow"])
        assert_true(all(h["result"] == "ok" for h in hist))

    def paging(self):
        rpc, a = self.rpc, self.a
        self.log("45 posts paged 10 at a time, newest first, to the end")
        ids = []
        for i in range(45):
            ids.append(rpc.post(f"note {i}", None, None, a["carol"]))
            if i % 20 == 19:
                self.mine()
        self.mine()
        seen, cursor, pages = [], None, 0
        while True:
            page = rpc.getposts("@carol", 10, cursor) if cursor else rpc.getposts("@carol", 10)
            seen += [p["id"] for p in page["items"]]
            pages += 1
            cursor = page["next"]
            if cursor is None:
                break
        assert_equal(seen, list(reversed(ids)))
        assert_equal(pages, 5)
        assert_equal(rpc.getaccount("@carol")["posts"], 45)

    def errors(self):
        rpc = self.rpc
        self.log("bad arguments")
        zero = "00" * 32
        cases = [
            (-5, "getaccount", ["rro1bad"]), (-5, "getaccount", ["@nobody"]),
            (-5, "getaccount", ["tro1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"]),
            (-32602, "getaccount", []), (-32602, "getaccount", [5]),
            (-8, "getpost", ["xyz"]), (-5, "getpost", [zero]),
            (-5, "getreplies", [zero]), (-5, "getvotes", [zero]),
            (-8, "getposts", ["@alice", 0]), (-8, "getposts", ["@alice", 101]),
            (-8, "getposts", ["@alice", 10, "zz"]), (-8, "getfeed", ["@dave", 10, "00"]),
            (-5, "getfollowers", ["bad"]), (-5, "getfollowing", ["bad"]),
            (-5, "getaccounthistory", ["bad"]), (-5, "getreputation", ["bad"]),
            (-8, "getendorsements", ["@dave", 10, None, "up"]),
            (-8, "gettopaccounts", [1000]), (-32602, "gettopaccounts", ["x"]),
        ]
        for code, method, params in cases:
            assert_raises_rpc(code, rpc.call, method, *params)
        assert_equal(rpc.getblockcount() > 0, True)


if __name__ == "__main__":
    SocialScenarioTest().main()
