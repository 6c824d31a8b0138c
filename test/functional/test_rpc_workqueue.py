#!/usr/bin/env python3
"""The bounded work queue: with -rpcthreads=1 -rpcworkqueue=1 at most two
requests are in progress; a third is answered HTTP 503 at once, and the
server serves again once they are done. A lone call of a method that runs
on the HTTP thread (uptime, getblockcount) is answered even then: it never
takes a place in the queue. A stop while requests wait on the
main loop answers them and exits cleanly."""
import threading
import time

from framework import RostraTest, assert_equal, assert_in, assert_true


class WorkQueueTest(RostraTest):
    def run_test(self):
        node = self.add_node(extra_args=["-rpcthreads=1", "-rpcworkqueue=1"])
        node.start()
        rpc = node.rpc

        self.log("two slow requests fill the queue")
        results = {}

        def slow(key, ms):
            try:
                results[key] = node.rpc_as(rpc.user, rpc.password).delay(ms)
            except Exception as e:  # recorded, checked below
                results[key] = e

        threads = [threading.Thread(target=slow, args=(i, 2000)) for i in range(2)]
        for t in threads:
            t.start()
        time.sleep(0.5)  # both accepted and waiting on the main loop's timer

        self.log("a third request gets 503")
        start = time.monotonic()
        res = rpc.request_raw('{"method":"help","id":1}')
        assert_equal(res.status, 503)
        assert_in(b"work queue depth exceeded", res.body)
        assert_true(time.monotonic() - start < 1.0, "503 was not immediate")
        assert_in("work queue depth exceeded", node.log())
        self.log("HTTP-thread methods are answered while the queue is full")
        for body in ('{"method":"uptime","id":1}', '{"method":"getblockcount","id":2}'):
            res = rpc.request_raw(body)
            assert_equal(res.status, 200)
            assert_in(b'"error":null', res.body)
        self.log("a batch of them is queued work: 503")
        res = rpc.request_raw('[{"method":"uptime","id":1}]')
        assert_equal(res.status, 503)
        assert_true(time.monotonic() - start < 1.0, "not answered at once")

        for t in threads:
            t.join()
        assert_equal(results, {0: 2000, 1: 2000})
        self.log("served again once the queue drained")
        assert_true(rpc.uptime() >= 0)

        self.log("stop with requests waiting on the main loop")
        waiting = threading.Thread(target=slow, args=("w", 30000))
        waiting.start()
        time.sleep(0.3)
        start = time.monotonic()
        assert_equal(rpc.stop(), "Rostra server stopping")
        assert_equal(node.wait_exit(timeout=15), 0)
        waiting.join(timeout=15)
        assert_true(time.monotonic() - start < 10, "stop waited for the delay")
        err = results["w"]
        assert_true(getattr(err, "code", None) == -32603 and "shutting down" in err.message, repr(err))


if __name__ == "__main__":
    WorkQueueTest().main()
