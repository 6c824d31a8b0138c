#!/usr/bin/env python3
"""doc/rpc.md against the server: the method list that help gives (by area)
equals the method sections of doc/rpc.md, each section's text block equals
help METHOD, hidden methods are documented but not listed, and the
documented rpcauth one-liner makes a line the server accepts."""
import os
import re
import subprocess

from framework import RostraTest, assert_equal, assert_true
from framework.node import srcdir


def parse_doc(text):
    """{area: {method: help block}} from the "## Methods" section."""
    methods = text.split("\n## Methods\n", 1)[1].split("\n## ", 1)[0]
    areas, area, method = {}, None, None
    lines = methods.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("### "):
            area = line[4:].strip()
            areas[area] = {}
        elif line.startswith("#### "):
            method = line[5:].strip()
        elif line == "```text" and method:
            end = lines.index("```", i + 1)
            areas[area][method] = "\n".join(lines[i + 1:end])
            method = None
            i = end
        i += 1
    return areas


def parse_help(text):
    """{Area: [usage lines]} from help's list."""
    areas = {}
    for block in text.split("\n\n"):
        head, *usages = block.splitlines()
        m = re.fullmatch(r"== (.+) ==", head)
        assert_true(m is not None, f"bad help heading {head!r}")
        areas[m.group(1)] = usages
    return areas


class RPCDocTest(RostraTest):
    def run_test(self):
        with open(os.path.join(srcdir(), "doc", "rpc.md")) as f:
            doc_text = f.read()
        doc = parse_doc(doc_text)
        node = self.add_node()
        node.start()
        rpc = node.rpc

        listed = parse_help(rpc.help())
        self.log(f"help lists {sum(len(v) for v in listed.values())} methods in {list(listed)}")
        hidden_area = [a for a in doc if "not listed by help" in a]
        assert_equal(len(hidden_area), 1, "one section of hidden methods")
        for area, usages in listed.items():
            assert_true(area in doc, f"doc/rpc.md has no area '{area}'")
            names = [u.split()[0] for u in usages]
            assert_equal(sorted(doc[area]), sorted(names), f"methods of area {area}")
            for name, usage in zip(names, usages):
                block = doc[area][name]
                assert_equal(block.splitlines()[0], usage, f"usage of {name}")
        for area in doc:
            assert_true(area in listed or area in hidden_area, f"doc area '{area}' not in help")

        self.log("every documented block equals help METHOD")
        all_listed = {u.split()[0] for usages in listed.values() for u in usages}
        for area, methods in doc.items():
            for name, block in methods.items():
                assert_equal(block, rpc.help(name).rstrip("\n"), f"help {name}")
                if area in hidden_area:
                    assert_true(name not in all_listed, f"hidden method {name} is listed")

        self.log("the documented rpcauth one-liner")
        m = re.search(r"^  (python3 -c .*) alice$", doc_text, re.M)
        assert_true(m is not None, "no rpcauth one-liner in doc/rpc.md")
        out = subprocess.run(m.group(1) + " alice", shell=True, capture_output=True, text=True,
                             check=True).stdout.splitlines()
        line, password = out[0].split("=", 1)[1], out[1].split(": ", 1)[1]
        assert_equal(node.stop(), 0)
        node.start([f"-rpcauth={line}"])
        assert_true(node.rpc_as("alice", password).uptime() >= 0)
        assert_equal(node.stop(), 0)


if __name__ == "__main__":
    RPCDocTest().main()
