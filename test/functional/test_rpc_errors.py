#!/usr/bin/env python3
"""Bad RPC input, each answered right while the node keeps serving:
malformed JSON, invalid requests, wrong types, unknown methods and
parameters, notifications, batches mixing good and bad requests, HTTP
methods and paths, an oversized body and oversized headers (400), and
missing or wrong credentials (401, after a delay)."""
import json
import socket
import time

from framework import RostraTest, assert_equal, assert_in, assert_raises_rpc, assert_true


class RPCErrorsTest(RostraTest):
    def run_test(self):
        node = self.add_node()
        node.start()
        self.node = node
        self.rpc = node.rpc
        self.malformed()
        self.invalid_requests()
        self.params()
        self.versions_and_notifications()
        self.batches()
        self.http_level()
        self.oversized()
        self.credentials()
        assert_true(self.rpc.uptime() >= 0)
        assert_equal(node.stop(), 0)

    def post(self, body, **kw):
        return self.rpc.request_raw(body, **kw)

    def expect(self, body, status, code=None, msg=None, result=None, id_=None, v2=False):
        res = self.post(body)
        assert_equal(res.status, status, f"status for {body!r}")
        reply = res.json()
        if v2:
            assert_equal(reply.get("jsonrpc"), "2.0", f"version for {body!r}")
        if code is not None:
            assert_true("result" not in reply or reply["result"] is None, reply)
            assert_equal(reply["error"]["code"], code, f"code for {body!r}")
            if msg:
                assert_in(msg, reply["error"]["message"])
        else:
            assert_true(reply.get("error") is None, reply)
            assert_equal(reply["result"], result)
        assert_equal(reply["id"], id_, f"id for {body!r}")
        assert_equal(res.headers.get("content-type"), "application/json")
        return reply

    def malformed(self):
        self.log("malformed JSON: -32700, HTTP 500")
        for body in ["{", "", "{\"method\":\"uptime\"", "[1,", "nul", "{\"a\":1}}", "\xff\xfe"]:
            self.expect(body, 500, -32700)
        self.expect('{"method":"uptime","method":"help"}', 500, -32700, "duplicate")
        self.log("not a request: -32600, HTTP 400")
        for body in ["42", '"uptime"', "null", "true"]:
            self.expect(body, 400, -32600)
        self.expect("[]", 400, -32600, "empty batch")

    def invalid_requests(self):
        self.log("invalid request objects")
        self.expect('{"id":1}', 400, -32600, "missing method", id_=1)
        self.expect('{"method":5,"id":1}', 400, -32600, "method must be a string", id_=1)
        self.expect('{"method":"uptime","params":"x","id":1}', 400, -32600, "params must be", id_=1)
        self.expect('{"jsonrpc":"3.0","method":"uptime","id":1}', 400, -32600, "jsonrpc")
        self.expect('{"jsonrpc":"2.0","method":"uptime","id":[1]}', 200, -32600, "id must be", v2=True)
        self.log("unknown methods: 404 in 1.1, 200 in 2.0")
        self.expect('{"method":"nosuch","id":1}', 404, -32601, "method not found: 'nosuch'", id_=1)
        self.expect('{"jsonrpc":"2.0","method":"nosuch","id":"a"}', 200, -32601, id_="a", v2=True)
        assert_raises_rpc(-32601, self.rpc.call, "getnosuchinfo")

    def params(self):
        self.log("parameter errors")
        rpc = self.rpc
        assert_raises_rpc(-32602, rpc.help, 5, message="parameter 'command' of 'help' must be a string, not an integer")
        assert_raises_rpc(-32602, rpc.help, "a", "b", message="too many parameters for 'help'")
        assert_raises_rpc(-32602, rpc.uptime, 1, message="it takes at most 0")
        assert_raises_rpc(-32602, rpc.call, "help", cmd="x", message="unknown parameter 'cmd' for 'help'")
        assert_raises_rpc(-32602, rpc.delay, message="missing required parameter 'ms' of 'delay'")
        assert_raises_rpc(-32602, rpc.delay, 1.5, message="must be an integer, not a number")
        assert_raises_rpc(-32602, rpc.delay, "10", message="must be an integer, not a string")
        assert_raises_rpc(-8, rpc.delay, 60001, message="ms must be from 0 to 60000")
        assert_raises_rpc(-8, rpc.delay, -1)
        self.expect('{"method":"delay","params":[true],"id":3}', 500, -32602, id_=3)
        self.expect('{"method":"help","params":{"command":"uptime"},"id":4}', 200,
                    result=self.rpc.help("uptime"), id_=4)

    def versions_and_notifications(self):
        self.log("1.1 and 2.0 replies")
        reply = self.expect('{"method":"echo","params":[1],"id":9}', 200, result=[1, None, None, None], id_=9)
        assert_equal(sorted(reply), ["error", "id", "result"])
        reply = self.expect('{"jsonrpc":"2.0","method":"echo","params":[1],"id":9}', 200,
                            result=[1, None, None, None], id_=9, v2=True)
        assert_equal(sorted(reply), ["id", "jsonrpc", "result"])
        reply = self.expect('{"jsonrpc":"2.0","method":"delay","params":[-5],"id":9}', 200, -8, id_=9, v2=True)
        assert_equal(sorted(reply), ["error", "id", "jsonrpc"])
        self.expect('{"method":"delay","params":[-5],"id":9}', 500, -8, id_=9)
        self.log("2.0 notifications get no body (204)")
        for body in ['{"jsonrpc":"2.0","method":"uptime"}', '{"jsonrpc":"2.0","method":"nosuch"}',
                     '{"jsonrpc":"2.0","method":"delay","params":["x"]}']:
            res = self.post(body)
            assert_equal((res.status, res.body), (204, b""), body)

    def batches(self):
        self.log("a batch mixing good and bad requests, answered in order")
        batch = [
            {"jsonrpc": "2.0", "method": "echo", "params": ["a"], "id": 1},
            {"jsonrpc": "2.0", "method": "nosuch", "id": 2},
            7,
            {"jsonrpc": "2.0", "method": "echo", "params": {"zz": 1}, "id": 3},
            {"jsonrpc": "2.0", "method": "uptime"},
            {"method": "echo", "params": [2], "id": 4},
            {"jsonrpc": "2.0", "method": "delay", "params": [30], "id": 5},
            {"jsonrpc": "2.0", "method": "delay", "params": ["x"], "id": 6},
        ]
        res = self.post(json.dumps(batch))
        assert_equal(res.status, 200)
        r = res.json()
        assert_equal(len(r), 7)
        assert_equal(r[0], {"jsonrpc": "2.0", "result": ["a", None, None, None], "id": 1})
        assert_equal((r[1]["error"]["code"], r[1]["id"]), (-32601, 2))
        assert_equal((r[2]["error"]["code"], r[2]["id"], r[2]["jsonrpc"]), (-32600, None, "2.0"))
        assert_equal((r[3]["error"]["code"], r[3]["id"]), (-32602, 3))
        assert_equal(r[4], {"result": [2, None, None, None], "error": None, "id": 4})
        assert_equal(r[5], {"jsonrpc": "2.0", "result": 30, "id": 5})
        assert_equal((r[6]["error"]["code"], r[6]["id"]), (-32602, 6))
        res = self.post('[{"jsonrpc":"2.0","method":"uptime"},{"jsonrpc":"2.0","method":"x"}]')
        assert_equal((res.status, res.body), (204, b""))

    def http_level(self):
        self.log("HTTP methods and paths")
        res = self.post('{"method":"uptime"}', method="GET")
        assert_equal(res.status, 405)
        assert_equal(res.headers.get("allow"), "POST")
        res = self.post('{"method":"uptime"}', path="/wallet/x")
        assert_equal(res.status, 404)

    def raw_exchange(self, head, body_len=0, chunk=b"x" * 65536):
        """Send head (and body_len bytes of body, as far as the server reads
        them) on a raw socket; return the status line."""
        s = socket.create_connection(("127.0.0.1", self.node.rpc_port), timeout=30)
        try:
            s.sendall(head)
            sent = 0
            try:
                while sent < body_len:
                    n = min(len(chunk), body_len - sent)
                    s.sendall(chunk[:n])
                    sent += n
            except (BrokenPipeError, ConnectionResetError):
                pass
            data = b""
            try:
                while b"\r\n" not in data:
                    more = s.recv(4096)
                    if not more:
                        break
                    data += more
            except ConnectionResetError:
                pass
            return data.split(b"\r\n", 1)[0].decode(errors="replace")
        finally:
            s.close()

    def oversized(self):
        self.log("an oversized body: 413")
        size = 4 * 1024 * 1024 + 1
        auth = self.rpc.auth_header()
        head = (f"POST / HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {size}\r\n\r\n").encode()
        assert_in(" 413 ", self.raw_exchange(head, size))
        self.log("a body at the limit is read (and is bad JSON, not too large)")
        size = 4 * 1024 * 1024
        head = head.replace(str(size + 1).encode(), str(size).encode())
        assert_in(" 500 ", self.raw_exchange(head, size, chunk=b" " * 65536))
        self.log("oversized headers: 400 (evhttp's answer to a header block past the limit)")
        head = (f"POST / HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\n"
                f"X-Big: {'a' * 10000}\r\nContent-Length: 2\r\n\r\n{{}}").encode()
        assert_in(" 400 ", self.raw_exchange(head))
        assert_true(self.rpc.uptime() >= 0)

    def credentials(self):
        self.log("missing and wrong credentials: 401 after a delay")
        cases = [False, self.rpc.auth_header(password="wrong"), self.rpc.auth_header(user="x"),
                 "Basic !!!", "Bearer abc", self.rpc.auth_header(user="", password="")]
        for auth in cases:
            start = time.monotonic()
            res = self.post('{"method":"uptime","id":1}', auth=auth)
            took = time.monotonic() - start
            assert_equal(res.status, 401, f"status for {auth!r}")
            assert_equal(res.headers.get("www-authenticate"), 'Basic realm="jsonrpc"')
            assert_true(took >= 0.2, f"401 came after {took:.3f} s, without the delay")
        self.log("a client that leaves during the delay does not upset the server")
        for _ in range(5):
            s = socket.create_connection(("127.0.0.1", self.node.rpc_port))
            s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
            s.close()
        time.sleep(0.5)
        assert_true(self.rpc.uptime() >= 0)
        assert_in("incorrect or missing credentials", self.node.log())


if __name__ == "__main__":
    RPCErrorsTest().main()
