"""Rostra's functional test framework (Python 3 standard library only).

A test is a script test/functional/test_*.py that subclasses RostraTest,
starts real rostrad processes in a temporary data directory on free
loopback ports, talks to them over JSON-RPC (cookie authentication) and
with rostra-cli, and checks what comes back. Whatever happens, every
process a test started is stopped by its pid before the script exits.
"""
from .util import (TestFailure, assert_equal, assert_in, assert_true, assert_raises_rpc,
                   free_port, wait_until)
from .rpc import RPCClient, RPCError, HTTPResult
from .node import Node
from .test import RostraTest, SKIP

__all__ = [
    "TestFailure", "assert_equal", "assert_in", "assert_true", "assert_raises_rpc",
    "free_port", "wait_until", "RPCClient", "RPCError", "HTTPResult", "Node",
    "RostraTest", "SKIP",
]
