#!/usr/bin/env python3
"""rostra-cli: results (a string raw, JSON pretty-printed), the JSON
argument rule, -named, -stdin, -rpcwait (with and without a timeout),
exit statuses (1 server error, 2 usage, 3 no answer), cookie and
-rpcuser/-rpcpassword."""
import json
import subprocess
import time

from framework import RostraTest, assert_equal, assert_in, assert_true
from framework.node import program


class RPCCliTest(RostraTest):
    def run_test(self):
        node = self.add_node()
        self.node = node
        self.rpcwait_before_start()
        self.results_and_arguments()
        self.errors()
        self.user_password()

    def ok(self, *args, input=None, extra=None):
        p = self.node.cli(*args, input=input, extra=extra)
        assert_equal(p.returncode, 0, f"rostra-cli {args}: {p.stderr}")
        return p.stdout

    def rpcwait_before_start(self):
        node = self.node
        self.log("-rpcwait with -rpcwaittimeout gives up when nothing answers")
        start = time.monotonic()
        p = node.cli("-rpcwait", "-rpcwaittimeout=1", "uptime")
        took = time.monotonic() - start
        assert_equal(p.returncode, 3, p.stderr)
        assert_true(1.0 <= took < 10, f"gave up after {took:.1f} s")
        self.log("-rpcwait started before the node waits for it")
        argv = [program("rostra-cli")] + node.cli_args() + ["-rpcwait", "uptime"]
        waiting = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.track_pid(waiting.pid)
        time.sleep(1.5)
        assert_true(waiting.poll() is None, "rostra-cli -rpcwait did not wait")
        node.start()
        out, err = waiting.communicate(timeout=30)
        assert_equal(waiting.returncode, 0, err)
        assert_true(out.strip().isdigit(), out)
        self.log("without -rpcwait a stopped node is an error (3)")
        assert_equal(node.stop(), 0)
        p = node.cli("uptime")
        assert_equal(p.returncode, 3)
        assert_in("error: ", p.stderr)
        node.start()

    def results_and_arguments(self):
        self.log("a string result is printed raw; JSON results indented")
        out = self.ok("help")
        assert_true(out.startswith("== Control ==\nhelp ( \"command\" )\n"), out)
        assert_true(not out.startswith('"'), "string result quoted")
        out = self.ok("echo", "1", '"x"', '{"a":[1,2]}', "abc")
        assert_equal(json.loads(out), [1, "x", {"a": [1, 2]}, "abc"])
        assert_in('\n  {\n    "a": [\n      1,\n      2\n    ]\n  },\n', out)
        self.log("the JSON rule: a JSON value as itself, anything else as a string")
        cases = [("5", 5), ('"5"', "5"), ("true", True), ("null", None), ("[]", []),
                 ("1.5", 1.5), ("00ab", "00ab"), ("abc def", "abc def"), ("{bad", "{bad"),
                 (" 7 ", 7), ("", ""), ("-", "-"), ("1e3", 1000.0),
                 ("99999999999999999999999", "99999999999999999999999")]
        for arg, want in cases:
            got = json.loads(self.ok("echo", arg))[0]
            assert_equal(got, want, f"argument {arg!r}")
            assert_equal(type(got), type(want), f"type for {arg!r}")
        self.log("-named")
        assert_equal(json.loads(self.ok("-named", "echo", "b=2", "d=x=y")), [None, 2, None, "x=y"])
        assert_equal(json.loads(self.ok("-named", "echo", 'a={"k":1}')), [{"k": 1}, None, None, None])
        assert_in("Arguments:", self.ok("-named", "help", "command=help"))
        self.log("-stdin: one argument per line, after the command line's")
        assert_equal(json.loads(self.ok("-stdin", "echo", "1", input="two words\n3\n")),
                     [1, "two words", 3, None])
        assert_equal(json.loads(self.ok("-stdin", input="echo\n\"q\"\r\nlast")), ["q", "last", None, None])
        assert_equal(json.loads(self.ok("-stdin", "-named", "echo", input="c=3\n")), [None, None, 3, None])
        assert_equal(json.loads(self.ok("-stdin", "echo", input="")), [None, None, None, None])
        self.log("-version and -help")
        assert_equal(self.ok("-version").strip(), "rostra-cli version 0.1.0")
        out = self.ok("-help")
        for flag in ["-rpcwait", "-named", "-stdin", "-rpcconnect=<ip>", "-rpcclienttimeout"]:
            assert_in(flag, out)
        assert_true("-daemon" not in out, "rostrad's options in rostra-cli -help")

    def errors(self):
        node = self.node
        self.log("server errors: exit 1 with the code and message")
        p = node.cli("nosuchmethod")
        assert_equal(p.returncode, 1)
        assert_equal(p.stderr, "error code: -32601\nerror message:\nmethod not found: 'nosuchmethod'\n")
        p = node.cli("delay", "x")
        assert_equal(p.returncode, 1)
        assert_in("error code: -32602", p.stderr)
        p = node.cli("delay", "99999")
        assert_equal(p.returncode, 1)
        assert_in("error code: -8\nerror message:\nms must be from 0 to 60000", p.stderr)
        self.log("usage errors: exit 2")
        for args, text in [((), "no command given"), (("-foo", "help"), "unknown option -foo"),
                           (("-daemon", "help"), "unknown option -daemon"),
                           (("-named", "echo", "noequals"), "expected name=value"),
                           (("-named", "echo", "=1"), "expected name=value"),
                           (("-named", "echo", "a=1", "a=2"), "'a' given twice"),
                           (("-rpcport=x", "help"), "invalid value for -rpcport")]:
            p = node.cli(*args)
            assert_equal(p.returncode, 2, f"{args}: {p.stderr}")
            assert_in(text, p.stderr)
        self.log("no answer: exit 3")
        p = node.cli("uptime", extra=["-rpccookiefile=/nonexistent/cookie"])
        assert_equal(p.returncode, 3)
        assert_in("cannot read the RPC cookie /nonexistent/cookie", p.stderr)
        p = node.cli("uptime", extra=["-rpcuser=x", "-rpcpassword=y"])
        assert_equal(p.returncode, 3)
        assert_in("authorization failed", p.stderr)

    def user_password(self):
        node = self.node
        self.log("-rpcuser/-rpcpassword on both sides")
        assert_equal(node.stop(), 0)
        node.rpc_auth = ("bob", "pw")
        node.start(["-rpcuser=bob", "-rpcpassword=pw"])
        assert_true(self.ok("uptime", extra=["-rpcuser=bob", "-rpcpassword=pw"]).strip().isdigit())
        p = node.cli("uptime")  # the cookie is not there
        assert_equal(p.returncode, 3)
        p = node.cli("uptime", extra=["-rpcuser=bob", "-rpcpassword=bad"])
        assert_equal(p.returncode, 3)
        self.log("credentials from rostra.conf")
        with open(f"{node.datadir}/rostra.conf", "w") as f:
            f.write("rpcuser=bob\nrpcpassword=pw\n")
        assert_true(self.ok("uptime").strip().isdigit())
        p = node.cli("stop")
        assert_equal((p.returncode, p.stdout), (0, "Rostra server stopping\n"))
        assert_equal(node.wait_exit(), 0)


if __name__ == "__main__":
    RPCCliTest().main()
