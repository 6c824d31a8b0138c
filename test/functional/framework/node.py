"""One rostrad process in a temporary data directory."""
import os
import subprocess

from .rpc import RPCClient, RPCError
from .util import TestFailure, free_port, wait_until


def builddir():
    return os.environ.get("ROSTRA_BUILDDIR") or os.path.join(srcdir(), "build")


def srcdir():
    here = os.path.dirname(os.path.abspath(__file__))
    return os.environ.get("ROSTRA_SRCDIR") or os.path.dirname(os.path.dirname(os.path.dirname(here)))


def program(name):
    path = os.path.join(builddir(), "src", name)
    if not os.access(path, os.X_OK):
        raise TestFailure(f"{path} is not built (set ROSTRA_BUILDDIR or build first)")
    return path


class Node:
    """A node: node.start(), node.rpc.uptime(), node.cli("help"), node.stop().

    The data directory is <tmpdir>/node<index>; files of the network are in
    its regtest/ (node.netdir). Each start uses fresh free ports unless
    ports were given."""

    def __init__(self, test, index, chain="regtest", extra_args=(), datadir=None, rpc_auth=None):
        self.test = test
        self.rpc_auth = rpc_auth  # (user, password) instead of the cookie
        self.index = index
        self.chain = chain
        self.extra_args = list(extra_args)
        self.datadir = datadir or os.path.join(test.tmpdir, f"node{index}")
        os.makedirs(self.datadir, exist_ok=True)
        sub = "" if chain == "main" else chain
        self.netdir = os.path.join(self.datadir, sub) if sub else self.datadir
        self.rpc_port = free_port()
        self.p2p_port = free_port()
        self.process = None
        self.stderr_path = os.path.join(self.datadir, "stderr.txt")
        self.stdout_path = os.path.join(self.datadir, "stdout.txt")
        self._rpc = None
        self.earlier_stderr = []  # the stderr of the runs before this one

    # ------------------------------------------------------------ arguments
    def base_args(self):
        args = [f"-datadir={self.datadir}", f"-rpcport={self.rpc_port}", f"-port={self.p2p_port}"]
        if self.chain != "main":
            args.append(f"-chain={self.chain}")
        return args

    def cli_args(self):
        args = [f"-datadir={self.datadir}", f"-rpcport={self.rpc_port}"]
        if self.chain != "main":
            args.append(f"-chain={self.chain}")
        return args

    def path(self, name):
        return os.path.join(self.netdir, name)

    def read_file(self, name, default=None):
        try:
            with open(self.path(name)) as f:
                return f.read()
        except FileNotFoundError:
            return default

    def log(self):
        return self.read_file("debug.log", "")

    def stderr(self):
        try:
            with open(self.stderr_path) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    # ------------------------------------------------------------ processes
    def start(self, extra_args=None, wait=True, retries=3):
        """Start rostrad; with wait, return once it answers RPC. A start
        that fails because a port was taken is retried on fresh ports."""
        for attempt in range(retries):
            self._spawn(extra_args)
            if not wait:
                return
            try:
                self.wait_for_rpc()
                return
            except TestFailure:
                if self.process.poll() is not None and "cannot bind" in self.stderr() \
                        and attempt + 1 < retries:
                    self.rpc_port, self.p2p_port = free_port(), free_port()
                    continue
                raise

    def _spawn(self, extra_args):
        args = [program("rostrad")] + self.base_args() + self.extra_args + list(extra_args or [])
        self._rpc = None
        self.earlier_stderr.append(self.stderr())  # each run starts a fresh file
        with open(self.stdout_path, "ab") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(args, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        self.test.track_pid(self.process.pid)

    def running(self):
        return self.process is not None and self.process.poll() is None

    @property
    def rpc(self):
        if self._rpc is None and self.rpc_auth:
            self._rpc = RPCClient("127.0.0.1", self.rpc_port, *self.rpc_auth)
        if self._rpc is None:
            cookie = self.read_file(".cookie")
            if cookie is None:
                raise TestFailure(f"node{self.index}: no .cookie")
            user, password = cookie.strip().split(":", 1)
            self._rpc = RPCClient("127.0.0.1", self.rpc_port, user, password)
        return self._rpc

    def rpc_as(self, user, password):
        return RPCClient("127.0.0.1", self.rpc_port, user, password)

    def wait_for_rpc(self, timeout=30):
        def ready():
            if self.process is not None and self.process.poll() is not None:
                raise TestFailure(f"node{self.index} exited with {self.process.returncode} during "
                                  f"start-up: {self.stderr().strip()}")
            if self.read_file(".cookie") is None and not self.rpc_auth:
                return False
            try:
                self._rpc = None
                self.rpc.uptime()
                return True
            except (OSError, RPCError, TestFailure):
                return False
        wait_until(ready, timeout=timeout, what=f"node{self.index} to answer RPC")

    def wait_exit(self, timeout=30):
        """Wait for the process to end; return its exit status."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise TestFailure(f"node{self.index} did not exit within {timeout} s")

    def stop(self, timeout=30):
        """Stop through the stop RPC and wait; return the exit status."""
        assert self.rpc.stop() == "Rostra server stopping"
        return self.wait_exit(timeout)

    def signal(self, sig):
        self.process.send_signal(sig)

    def kill(self):
        if self.running():
            self.process.kill()
            self.process.wait()

    # ------------------------------------------------------------ programs
    def cli(self, *args, input=None, timeout=60, extra=None):
        """Run rostra-cli against this node; return the CompletedProcess
        (text mode)."""
        argv = [program("rostra-cli")] + self.cli_args() + list(extra or []) + list(args)
        return subprocess.run(argv, input=input, capture_output=True, text=True, timeout=timeout)

    def run_rostrad(self, *args, timeout=60, base=True):
        """Run rostrad to completion (for start-up failures, -help, -daemon)."""
        argv = [program("rostrad")] + (self.base_args() if base else []) + list(args)
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, text=True)
        self.test.track_pid(proc.pid)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            raise TestFailure(f"rostrad {' '.join(args)} did not exit: {err}")
        return subprocess.CompletedProcess(argv, proc.returncode, out, err)

    def pid_from_file(self):
        text = self.read_file("rostrad.pid")
        return int(text) if text and text.strip().isdigit() else None
