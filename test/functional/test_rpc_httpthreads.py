#!/usr/bin/env python3
"""-rpchttpthreads: the HTTP server runs on that many threads, each with
its own listening socket on the port. Many keep-alive connections at once,
spread by the kernel over the threads, get right answers from every kind
of method (answered on the HTTP thread, by a worker, by the main loop);
the work queue's limit holds across threads; a stop with idle connections
open on several threads ends every thread at once."""
import http.client
import json
import os
import threading
import time

from framework import RostraTest, assert_equal, assert_in, assert_true

CONNECTIONS = 24
ROUNDS = 20


def thread_count(pid):
    return len(os.listdir(f"/proc/{pid}/task"))


class HTTPThreadsTest(RostraTest):
    def run_test(self):
        self.log("the flag sets the number of HTTP threads")
        node = self.add_node(extra_args=["-rpchttpthreads=1"])
        node.start()
        assert_in("RPC server: 1 HTTP threads", node.log())
        one = thread_count(node.process.pid)
        node.stop()
        node.start(["-rpchttpthreads=4"])
        assert_in("RPC server: 4 HTTP threads", node.log())
        assert_equal(thread_count(node.process.pid), one + 3)
        self.log("another node on the same RPC port is refused, though both share ports")
        other = self.add_node()
        proc = other.run_rostrad(f"-rpcport={node.rpc_port}", "-rpchttpthreads=4", timeout=30)
        assert_equal(proc.returncode, 1)
        assert_in("cannot bind RPC to 127.0.0.1", proc.stderr)

        rpc = node.rpc
        addr = rpc.getnewaddress()
        rpc.sendtoaddress(addr, 1000)
        rpc.generate(1)
        height = rpc.getblockcount()
        balance = rpc.getaccount(addr)["balance"]
        best = rpc.getbestblockhash()

        self.log(f"{CONNECTIONS} keep-alive connections, {ROUNDS} rounds of four methods each")
        calls = [
            ("getblockcount", [], lambda r: r == height),            # HTTP thread
            ("getaccount", [addr], lambda r: r["balance"] == balance),  # HTTP thread
            ("getblock", [best], lambda r: r["height"] == height),     # a worker
            ("getmempoolinfo", [], lambda r: r["size"] == 0),         # the main loop
        ]
        failures = []
        ports = set()

        def client(n):
            conn = http.client.HTTPConnection("127.0.0.1", rpc.port, timeout=60)
            try:
                for i in range(ROUNDS):
                    method, params, good = calls[(n + i) % len(calls)]
                    body = json.dumps({"method": method, "params": params, "id": i})
                    conn.request("POST", "/", body, {"Authorization": rpc.auth_header(),
                                                     "Content-Type": "application/json"})
                    res = conn.getresponse()
                    reply = json.loads(res.read())
                    if res.status != 200 or reply["error"] is not None or \
                            not good(reply["result"]) or reply["id"] != i:
                        failures.append((n, method, res.status, reply))
                ports.add(conn.sock.getsockname()[1])
            except Exception as e:  # recorded, checked below
                failures.append((n, repr(e)))
            finally:
                conn.close()

        workers = [threading.Thread(target=client, args=(n,)) for n in range(CONNECTIONS)]
        for t in workers:
            t.start()
        for t in workers:
            t.join()
        assert_equal(failures[:3], [])
        assert_equal(len(ports), CONNECTIONS)  # each kept its one connection

        self.log("the work queue's limit counts every HTTP thread's requests")
        node.stop()
        node.start(["-rpchttpthreads=4", "-rpcthreads=1", "-rpcworkqueue=1"])
        rpc = node.rpc
        results = {}

        def slow(key):
            try:
                results[key] = node.rpc_as(rpc.user, rpc.password).delay(1500)
            except Exception as e:  # recorded, checked below
                results[key] = e

        slow_threads = [threading.Thread(target=slow, args=(i,)) for i in range(2)]
        for t in slow_threads:
            t.start()
        time.sleep(0.5)
        refused = 0
        for _ in range(8):  # new connections: the kernel spreads them
            res = node.rpc_as(rpc.user, rpc.password).request_raw('{"method":"help","id":1}')
            assert_true(res.status in (200, 503), repr(res))
            refused += res.status == 503
        assert_equal(refused, 8)
        for t in slow_threads:
            t.join()
        assert_equal(results, {0: 1500, 1: 1500})
        assert_equal(rpc.request_raw('{"method":"help","id":1}').status, 200)

        self.log("stop with idle keep-alive connections open")
        idle = []
        for _ in range(8):
            conn = http.client.HTTPConnection("127.0.0.1", rpc.port, timeout=30)
            conn.request("POST", "/", '{"method":"uptime","id":1}',
                         {"Authorization": rpc.auth_header()})
            assert_equal(conn.getresponse().read().count(b'"error":null'), 1)
            idle.append(conn)
        start = time.monotonic()
        assert_equal(rpc.stop(), "Rostra server stopping")
        assert_equal(node.wait_exit(timeout=20), 0)
        assert_true(time.monotonic() - start < 10, "the stop waited on idle connections")
        for conn in idle:
            conn.close()


if __name__ == "__main__":
    HTTPThreadsTest().main()
