#!/usr/bin/env python3
"""The command examples of README.md and doc/rpc.md, run verbatim.

Each ```sh block right after a `<!-- example -->` line runs, as written,
with bash -e on a fresh regtest node (a `rostra-cli` on PATH adds the
node's -datadir and -rpcport). The ```text block after an
`<!-- example-output -->` line that follows it lists lines that must
appear in the output, in order; `...` in a line stands for any text. So
the documentation cannot drift from the program."""
import os
import re
import subprocess

from framework import RostraTest, assert_equal, assert_true
from framework.node import program, srcdir

FILES = ["README.md", os.path.join("doc", "rpc.md")]


def blocks(text):
    """[(script, expected lines or None)] of the marked examples."""
    out = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() == "<!-- example -->":
            start = lines.index("```sh", i + 1)
            end = lines.index("```", start + 1)
            script = "\n".join(lines[start + 1:end])
            expect = None
            j = end + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j < len(lines) and lines[j].strip() == "<!-- example-output -->":
                s = lines.index("```text", j + 1)
                e = lines.index("```", s + 1)
                expect = lines[s + 1:e]
                j = e
            out.append((script, expect))
            i = j
        i += 1
    return out


def matches(expect, output):
    """True if every expected line matches an output line, in order."""
    got = output.splitlines()
    k = 0
    for want in expect:
        rx = re.compile("^" + ".*".join(re.escape(p) for p in want.split("...")) + "$")
        while k < len(got) and not rx.match(got[k]):
            k += 1
        if k == len(got):
            return want
        k += 1
    return None


class DocsExamplesTest(RostraTest):
    def run_test(self):
        found = 0
        for name in FILES:
            path = os.path.join(srcdir(), name)
            if not os.path.exists(path):
                continue
            with open(path) as f:
                examples = blocks(f.read())
            for n, (script, expect) in enumerate(examples):
                found += 1
                self.log(f"{name}, example {n + 1}")
                self.run_example(script, expect, f"{name} example {n + 1}")
        assert_true(found >= 1, "no marked examples in the docs")

    def run_example(self, script, expect, what):
        node = self.add_node()
        node.start()
        bindir = os.path.join(self.tmpdir, f"bin{node.index}")
        os.makedirs(bindir)
        wrapper = os.path.join(bindir, "rostra-cli")
        with open(wrapper, "w") as f:
            f.write("#!/bin/sh\nexec '%s' -datadir='%s' -rpcport=%d \"$@\"\n"
                    % (program("rostra-cli"), node.datadir, node.rpc_port))
        os.chmod(wrapper, 0o755)
        env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"])
        p = subprocess.run(["bash", "-e", "-c", script], capture_output=True, text=True,
                           env=env, cwd=self.tmpdir, timeout=120)
        assert_equal(p.returncode, 0, f"{what} failed: {p.stderr}\n{p.stdout}")
        if expect is not None:
            missing = matches(expect, p.stdout)
            assert_true(missing is None, f"{what}: no output line like {missing!r}:\n{p.stdout}")
        assert_equal(node.stop(), 0)


if __name__ == "__main__":
    DocsExamplesTest().main()
