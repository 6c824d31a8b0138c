"""Assertions, waiting and free ports."""
import socket
import time


class TestFailure(AssertionError):
    """A check that did not hold."""


def assert_true(cond, msg="condition is false"):
    if not cond:
        raise TestFailure(msg)


def assert_equal(got, want, msg=None):
    if got != want:
        raise TestFailure(f"{msg + ': ' if msg else ''}got {got!r}, want {want!r}")


def assert_in(part, whole, msg=None):
    if part not in whole:
        raise TestFailure(f"{msg + ': ' if msg else ''}{part!r} not in {whole!r}")


def assert_raises_rpc(code, fn, *args, message=None, **kwargs):
    """fn(*args, **kwargs) must raise RPCError with this code (and a message
    containing `message`, if given). Returns the error."""
    from .rpc import RPCError
    try:
        fn(*args, **kwargs)
    except RPCError as e:
        if e.code != code:
            raise TestFailure(f"expected RPC error {code}, got {e.code}: {e.message}")
        if message is not None and message not in e.message:
            raise TestFailure(f"expected {message!r} in the error message, got {e.message!r}")
        return e
    raise TestFailure(f"expected RPC error {code}, but the call succeeded")


def wait_until(predicate, timeout=10.0, interval=0.05, what="condition"):
    """Poll predicate() until it returns a true value; return that value.
    Raises TestFailure after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TestFailure(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


_ports_given = set()


def free_port():
    """A TCP port that was free on 127.0.0.1 a moment ago (bind to port 0),
    never one this process was given before (the kernel may hand the same
    port out twice in a row once the probe socket is closed). Another
    process may take it before it is used; Node.start retries on a bind
    failure with fresh ports."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _ports_given:
            _ports_given.add(port)
            return port
