#!/usr/bin/env python3
"""Run Rostra's functional tests.

Every test/functional/test_*.py is one test: a script that exits 0 when it
passes, 77 when it skips itself, and anything else when it fails. Tests find
the build through the environment (ROSTRA_BUILDDIR, ROSTRA_SRCDIR), which
this runner sets. The last line printed is the summary
`N passed, N failed` (`, N skipped` when any were skipped).
"""
import argparse
import concurrent.futures
import os
import subprocess
import sys
import time

SKIP = 77


def discover(testdir, names):
    tests = sorted(f for f in os.listdir(testdir)
                   if f.startswith("test_") and f.endswith(".py") and f != "test_runner.py")
    if names:
        wanted = {n if n.endswith(".py") else n + ".py" for n in names}
        missing = wanted - set(tests)
        if missing:
            sys.exit("unknown test(s): " + ", ".join(sorted(missing)))
        tests = [t for t in tests if t in wanted]
    return tests


def run_one(testdir, name, env, timeout):
    start = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, os.path.join(testdir, name)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              env=env, timeout=timeout, stdin=subprocess.DEVNULL)
        code, out = proc.returncode, proc.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        code = -1
        out = (e.stdout or b"").decode(errors="replace") + f"\nTIMEOUT after {timeout} s\n"
    return name, code, out, time.monotonic() - start


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    srcdir = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tests", nargs="*", help="tests to run (default: all)")
    ap.add_argument("--builddir", default=os.environ.get("ROSTRA_BUILDDIR", os.path.join(srcdir, "build")))
    ap.add_argument("--jobs", "-j", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=300, help="seconds per test")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every test's output")
    args = ap.parse_args()

    env = dict(os.environ)
    env["ROSTRA_BUILDDIR"] = os.path.abspath(args.builddir)
    env["ROSTRA_SRCDIR"] = srcdir
    env["PYTHONPATH"] = here + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"

    tests = discover(here, args.tests)
    passed = failed = skipped = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_one, here, t, env, args.timeout) for t in tests]
        for fut in concurrent.futures.as_completed(futures):
            name, code, out, secs = fut.result()
            if code == 0:
                passed += 1
                verdict = "PASS"
            elif code == SKIP:
                skipped += 1
                verdict = "SKIP"
            else:
                failed += 1
                verdict = "FAIL"
            print(f"{verdict}: {name} ({secs:.1f} s)", flush=True)
            if verdict == "FAIL" or args.verbose:
                for line in out.rstrip().splitlines():
                    print("    " + line)
    summary = f"{passed} passed, {failed} failed"
    if skipped:
        summary += f", {skipped} skipped"
    print(summary)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
