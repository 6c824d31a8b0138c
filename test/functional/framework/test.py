"""The test base class: temporary directory, nodes, cleanup by pid."""
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback

from .node import Node

SKIP = 77


class RostraTest:
    """Subclass and define run_test(self). main() runs it and exits 0 on
    success, 1 on failure (printing the traceback and the nodes' logs)."""

    def __init__(self):
        self.tmpdir = tempfile.mkdtemp(prefix="rostra_test_")
        self.nodes = []
        self.pids = set()

    def add_node(self, **kwargs):
        node = Node(self, len(self.nodes), **kwargs)
        self.nodes.append(node)
        return node

    def track_pid(self, pid):
        """Remember a process this test started, to stop it at the end."""
        self.pids.add(pid)

    def run_test(self):
        raise NotImplementedError

    def log(self, msg):
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)

    def _alive(self, pid):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done == pid:
                return False
        except ChildProcessError:
            pass  # not our child (a daemon): probe it
        try:
            os.kill(pid, 0)
            return True
        except ProcessLookupError:
            return False
        except PermissionError:
            return True

    def cleanup(self):
        """Stop every process this test started (also daemons, found from
        their pid files), by pid: SIGTERM, then SIGKILL after 10 s."""
        for node in self.nodes:
            pid = node.pid_from_file()
            if pid:
                self.pids.add(pid)
        for pid in list(self.pids):
            if self._alive(pid):
                try:
                    os.kill(pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        deadline = time.monotonic() + 10
        for pid in list(self.pids):
            while self._alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if self._alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    # What AddressSanitizer, LeakSanitizer and UBSan print (a sanitizer
    # build: contrib/check.sh runs these tests on one too).
    SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")

    def sanitizer_reports(self):
        """The nodes' stderr lines that report a sanitizer finding; read
        after cleanup(), when every node has exited and flushed them."""
        found = []
        for node in self.nodes:
            text = "\n".join(node.earlier_stderr + [node.stderr()])
            for line in text.splitlines():
                if any(mark in line for mark in self.SANITIZER_MARKS):
                    found.append(f"node{node.index}: {line.strip()}")
        return found

    def dump_logs(self):
        for node in self.nodes:
            print(f"--- node{node.index} debug.log (tail) ---")
            for line in node.log().splitlines()[-30:]:
                print("    " + line)
            err = node.stderr().strip()
            if err:
                print(f"--- node{node.index} stderr ---")
                for line in err.splitlines()[-20:]:
                    print("    " + line)

    def main(self):
        status = 1
        try:
            self.run_test()
            status = 0
        except SystemExit as e:
            status = e.code if isinstance(e.code, int) else 1
        except BaseException:
            traceback.print_exc()
            self.dump_logs()
        finally:
            self.cleanup()
            reports = self.sanitizer_reports()
            if reports and status in (0, SKIP):
                print("sanitizer findings in the nodes' stderr:")
                for line in reports[:20]:
                    print("    " + line)
                self.dump_logs()
                status = 1
            if status == 0:
                shutil.rmtree(self.tmpdir, ignore_errors=True)
            else:
                print(f"test data left in {self.tmpdir}")
        print("PASS" if status == 0 else ("SKIP" if status == SKIP else "FAIL"))
        sys.exit(status)
