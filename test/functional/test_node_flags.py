#!/usr/bin/env python3
"""rostrad's options: -version, -help, and every kind of bad flag or bad
config value stopping start-up with exit status 1 and one line naming it;
rostra.conf with network sections; the other program's options accepted in
the config file but not on the command line."""
import os

from framework import RostraTest, assert_equal, assert_in, assert_true


class NodeFlagsTest(RostraTest):
    def run_test(self):
        node = self.add_node()
        self.node = node
        self.info()
        self.bad_flags()
        self.bad_config()
        self.config_sections()

    def fails(self, args, text, base=True):
        proc = self.node.run_rostrad(*args, base=base)
        assert_equal(proc.returncode, 1, f"exit status for {args} ({proc.stderr!r})")
        lines = proc.stderr.strip().splitlines()
        assert_equal(len(lines), 1, f"one line for {args}: {proc.stderr!r}")
        assert_in(text, lines[0], f"message for {args}")
        assert_true(lines[0].startswith("Error: "), lines[0])

    def write_conf(self, text, name="rostra.conf"):
        with open(os.path.join(self.node.datadir, name), "w") as f:
            f.write(text)

    def info(self):
        self.log("-version and -help")
        proc = self.node.run_rostrad("-version")
        assert_equal((proc.returncode, proc.stdout.strip()), (0, "rostrad version 0.1.0"))
        proc = self.node.run_rostrad("-help")
        assert_equal(proc.returncode, 0)
        assert_true(proc.stdout.startswith("Usage: rostrad [options]"), proc.stdout[:100])
        for flag in ["-rpcport=<port>", "-rpcallowip=<ip[/prefix]>", "-daemon", "-debug=<category>",
                     "-testnet", "-regtest", "-validatorkey=<file>", "-dbcache=<MiB>"]:
            assert_in(flag, proc.stdout)
        assert_true("-rpcwait" not in proc.stdout, "rostra-cli's options in rostrad -help")
        assert_equal(self.node.run_rostrad("-h").returncode, 0)
        assert_true(not os.path.exists(self.node.netdir), "-help created the network directory")

    def bad_flags(self):
        self.log("bad flags and values")
        cases = [
            (["-foo"], "unknown option -foo"),
            (["-rpcwait"], "unknown option -rpcwait"),      # rostra-cli's, not rostrad's
            (["-named"], "unknown option -named"),
            (["-rpcport=abc"], "invalid value for -rpcport: 'abc' (expected an integer from 1 to 65535)"),
            (["-rpcport=0"], "invalid value for -rpcport"),
            (["-rpcthreads=0"], "invalid value for -rpcthreads"),
            (["-rpchttpthreads=0"], "invalid value for -rpchttpthreads"),
            (["-rpchttpthreads=65"], "invalid value for -rpchttpthreads"),
            (["-rpchttpthreads=two"], "invalid value for -rpchttpthreads"),
            (["-rpcworkqueue=-1"], "invalid value for -rpcworkqueue"),
            (["-maxconnections=x"], "invalid value for -maxconnections"),
            (["-dbcache=1"], "invalid value for -dbcache"),
            (["-listen=yes"], "invalid value for -listen: 'yes' (expected 0, 1, true or false)"),
            (["-debug=foo"], "invalid value for -debug: 'foo'"),
            (["-chain=foo"], "invalid value for -chain: 'foo'"),
            (["-testnet", "-regtest"], "conflicting network options"),
            (["-noport"], "-noport cannot be negated"),
            (["-rpcuser"], "option -rpcuser needs a value"),
            (["uptime"], "unexpected argument 'uptime'"),
            (["--", "-x"], "unexpected argument '-x'"),
        ]
        for args, text in cases:
            self.fails(args, text)
        missing = os.path.join(self.tmpdir, "nowhere")
        self.fails([f"-datadir={missing}"], f"data directory '{missing}' does not exist", base=False)
        self.fails(["-conf=missing.conf"], "cannot open config file")

    def bad_config(self):
        self.log("bad config lines name the file, the line and the key")
        cases = [
            ("rpcprot=1\n", "rostra.conf:1: unknown option 'rpcprot'"),
            ("# c\nrpcport=abc\n", "rostra.conf:2: invalid value for 'rpcport': 'abc'"),
            ("[tesnet]\n", "unknown section '[tesnet]'"),
            ("listen\n", "expected key=value"),
            ("datadir=/x\n", "option 'datadir' can only be given on the command line"),
            ("[regtest]\nregtest=1\n", "cannot be set inside a network section"),
            ("rpcallowip=1.2.3.4/99\n", "invalid -rpcallowip: '1.2.3.4/99'"),
        ]
        for text, msg in cases:
            self.write_conf(text)
            self.fails([], msg)
        self.write_conf("rpcport=abc\n", "other.conf")
        self.fails(["-conf=other.conf"], "other.conf:1: invalid value for 'rpcport'")
        os.remove(os.path.join(self.node.datadir, "other.conf"))

    def config_sections(self):
        node = self.node
        self.log("rostra.conf: sections, both programs' keys, precedence")
        port = node.rpc_port
        self.write_conf("debug=rpc\nrpcwait=1\nrpcconnect=127.0.0.1\nrpcport=1\n"
                        f"[regtest]\nrpcport={port}\n[testnet]\nrpcport=2\n")
        node.start()
        assert_true(node.rpc.uptime() >= 0)
        assert_equal(node.stop(), 0)
        self.log("the command line wins over the file")
        self.write_conf(f"[regtest]\nrpcport=3\n")
        node.start()  # base args carry -rpcport
        assert_equal(node.stop(), 0)
        os.remove(os.path.join(node.datadir, "rostra.conf"))


if __name__ == "__main__":
    NodeFlagsTest().main()
