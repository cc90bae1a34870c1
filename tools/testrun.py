#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""KaaL test runner: runs the suites and prints one closing line.

Suites
  source  the source tree: `lint` runs tools/lint.sh (cppcheck, the command
          `make lint` runs), `readme` runs tools/check_readmes.py (every
          source file named in a README.md), `apidoc` runs tools/apidoc.py
          --check (include/'s public symbols documented, at least
          APIDOC_MIN_PERCENT); each passes or fails with the tool's own
          messages
  unit    host binaries built with cmocka (run with TAP output), ASan+UBSan
  kernel  the in-guest kernel test root task, booted under QEMU; it prints TAP
          lines (`ok N - name`, `not ok N - name # why`) on the serial console
  system  tests/system/test_*.py: each test_* function boots images and
          drives them (tools/qemu_harness.py); one that raises
          unittest.SkipTest is counted as skipped and its reason printed;
          each test runs in its own process, -j at a time (default: the
          CPU count), and reports in test order

Every suite ends with its own `N passed, N failed`; `all` adds them up, lists
every failure, and its last line is `N passed, N failed`. Exit status is
non-zero if anything failed.
"""
import argparse
import importlib.util
import os
import re
import subprocess
import sys
import time
import traceback
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import qemu_harness  # noqa: E402

# The documented share of include/'s public symbols may only grow (tools/apidoc.py).
APIDOC_MIN_PERCENT = "80"
TAP = re.compile(r"^(not ok|ok)\s+\d+\s*-?\s*([^#\n]*?)\s*(?:#\s*(.*))?$")


class Tally:
    def __init__(self, suite):
        self.suite = suite
        self.passed = 0
        self.failed = []        # (name, detail)
        self.skipped = 0

    def ok(self, name):
        self.passed += 1
        print("ok   %s/%s" % (self.suite, name), flush=True)

    def fail(self, name, detail=""):
        self.failed.append((name, detail))
        print("FAIL %s/%s" % (self.suite, name), flush=True)
        for line in detail.rstrip().splitlines():
            print("     | " + line)

    def parse_tap(self, text, prefix=""):
        """Count TAP lines in text; returns the number of tests seen."""
        seen = 0
        for line in text.splitlines():
            m = TAP.match(line.strip())
            if not m:
                continue
            seen += 1
            name = prefix + (m.group(2).strip() or "test%d" % seen)
            if m.group(3) and m.group(3).upper().startswith("SKIP"):
                self.skipped += 1
            elif m.group(1) == "ok":
                self.ok(name)
            else:
                self.fail(name, m.group(3) or "")
        return seen

    def summary(self):
        line = "%d passed, %d failed" % (self.passed, len(self.failed))
        if self.skipped:
            line += ", %d skipped" % self.skipped
        return line


def run_unit(binaries, tally):
    env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="TAP",
               ASAN_OPTIONS="detect_leaks=1:abort_on_error=0",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    for binary in binaries:
        name = os.path.basename(binary)
        try:
            p = subprocess.run([binary], capture_output=True, text=True, env=env, timeout=600)
        except subprocess.TimeoutExpired:
            tally.fail(name, "timed out after 600 s")
            continue
        seen = tally.parse_tap(p.stdout, prefix=name + ":")
        if p.returncode != 0 and not any(n.startswith(name + ":") for n, _ in tally.failed):
            tally.fail(name, "exit status %d after %d tests\n%s%s"
                       % (p.returncode, seen, p.stdout[-2000:], p.stderr[-4000:]))
        elif seen == 0:
            tally.fail(name, "ran no test\n" + p.stderr[-2000:])


def run_fuzz(build, targets, runs, tally):
    """Each libFuzzer target runs a fixed number of inputs from a fixed seed;
    a crash, leak or sanitizer report fails it. New inputs go to a scratch
    corpus in the build directory (libFuzzer writes into the first corpus
    directory); the committed seeds are only read."""
    for target in targets:
        name = os.path.basename(target)
        scratch = os.path.join(build, "fuzz", "corpus-" + name)
        os.makedirs(scratch, exist_ok=True)
        cmd = [target, "-runs=%d" % runs, "-seed=1", "-max_len=4096",
               "-artifact_prefix=%s/" % os.path.join(build, "fuzz"), scratch]
        corpus = os.path.join(ROOT, "tests", "fuzz", "corpus", name)
        if os.path.isdir(corpus):
            cmd.append(corpus)
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        except subprocess.TimeoutExpired:
            tally.fail("fuzz:" + name, "timed out after 600 s")
            continue
        if p.returncode == 0:
            tally.ok("fuzz:" + name)
        else:
            tally.fail("fuzz:" + name, p.stderr[-4000:])


def run_python_unit(build, tally):
    """tests/unit/test_*.py: host tools' tests (unittest), one result per case.
    KAAL_BUILD tells them the build directory (tests/unit/test_posixdiff.py
    runs the programs built there)."""
    os.environ["KAAL_BUILD"] = build
    tdir = os.path.join(ROOT, "tests", "unit")
    if not any(f.startswith("test_") and f.endswith(".py") for f in os.listdir(tdir)):
        return
    suite = unittest.defaultTestLoader.discover(tdir, pattern="test_*.py", top_level_dir=tdir)

    class Result(unittest.TestResult):
        def addSuccess(self, test):
            tally.ok(test.id())

        def addFailure(self, test, err):
            tally.fail(test.id(), self._exc_info_to_string(err, test))

        def addError(self, test, err):
            tally.fail(test.id(), self._exc_info_to_string(err, test))

        def addSkip(self, test, reason):
            tally.skipped += 1

    suite.run(Result())


def run_kernel(build, tally):
    kernel = os.path.join(build, "kernel", "kaal.elf32")
    suite = os.path.join(build, "guest", "bin", "kernel-tests.elf")
    if not os.path.exists(suite):
        tally.fail("kernel-tests", "missing %s (run make)" % suite)
        return
    # edu: a PCI device that raises an MSI on request (tests/kernel/test_irq.c).
    with qemu_harness.Guest(kernel, [suite], extra=("-device", "edu")) as g:
        try:
            g.expect(r"\d+ passed, \d+ failed", timeout=600)
            status = g.wait_exit(timeout=30)
        except qemu_harness.GuestTimeout as e:
            tally.parse_tap(g.output)
            tally.fail("kernel-tests", str(e))
            return
    tally.parse_tap(g.output)
    if status is None:
        tally.fail("kernel-tests:exit", "QEMU status %s: the suite did not halt cleanly\n%s"
                   % (g.status, g.tail()))


def run_source(tally):
    """Checks of the source tree, each a named test with the tool's output
    as its failure message."""
    checks = [("lint", [os.path.join(ROOT, "tools", "lint.sh")]),
              ("readme", [sys.executable, os.path.join(ROOT, "tools", "check_readmes.py")]),
              ("apidoc", [sys.executable, os.path.join(ROOT, "tools", "apidoc.py"), "--check",
                          "--min-percent", APIDOC_MIN_PERCENT])]
    for name, cmd in checks:
        try:
            p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
        except OSError as e:
            tally.fail(name, "cannot run %s: %s" % (cmd[0], e))
            continue
        except subprocess.TimeoutExpired:
            tally.fail(name, "%s timed out after 600 s" % " ".join(cmd))
            continue
        if p.returncode == 0:
            tally.ok(name)
        else:
            tally.fail(name, "%s: exit status %d\n%s%s" % (
                os.path.relpath(cmd[-1], ROOT), p.returncode, p.stdout[-4000:], p.stderr[-4000:]))


def load_module(path):
    spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def system_tests(only=None):
    """(file, function) of every system test, in name order."""
    tdir = os.path.join(ROOT, "tests", "system")
    tests = []
    for fname in sorted(os.listdir(tdir)):
        if not (fname.startswith("test_") and fname.endswith(".py")):
            continue
        mod = load_module(os.path.join(tdir, fname))
        for attr in sorted(dir(mod)):
            if attr.startswith("test_") and callable(getattr(mod, attr)):
                if not only or only in "%s:%s" % (fname[:-3], attr):
                    tests.append((fname, attr))
    return tests


def run_system_one(build, tally, fname, attr):
    """One system test, in this process (what each worker runs)."""
    mod = load_module(os.path.join(ROOT, "tests", "system", fname))
    name = "%s:%s" % (fname[:-3], attr)
    try:
        getattr(mod, attr)(build)
        tally.ok(name)
    except unittest.SkipTest as e:  # what cannot run here, said so
        tally.skipped += 1
        print("skip %s/%s: %s" % (tally.suite, name, e), flush=True)
    except Exception as e:  # a failing test reports, the suite goes on
        detail = str(e) if isinstance(e, AssertionError) else traceback.format_exc()
        tally.fail(name, detail)


def replay(tally, name, out, status):
    """Counts a worker's report (the ok/FAIL/skip lines run_system_one
    printed) into tally and prints it again, so that the suite's output is
    in test order whatever order the workers finished in."""
    reported = False
    lines = out.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.startswith("ok   %s/" % tally.suite):
            tally.ok(name)
            reported = True
        elif line.startswith("skip %s/" % tally.suite):
            tally.skipped += 1
            print(line, flush=True)
            reported = True
        elif line.startswith("FAIL %s/" % tally.suite):
            detail = []
            while i < len(lines) and lines[i].startswith("     | "):
                detail.append(lines[i][7:])
                i += 1
            tally.fail(name, "\n".join(detail))
            reported = True
        else:
            print(line, flush=True)   # what the test printed itself
    if not reported:
        tally.fail(name, "the test's process ended (status %s) without a result\n%s"
                   % (status, out[-4000:]))


def run_system(build, tally, only=None, jobs=1):
    """Every system test in its own process, `jobs` at a time (each QEMU
    guest is one TCG thread: on 2 cores two guests take the time of one);
    reports come in test order. The slowest tests are listed at the end: the
    suite has a time budget (docs/testing.md)."""
    import concurrent.futures
    tests = system_tests(only)
    me = os.path.abspath(__file__)

    def work(test):
        fname, attr = test
        start = time.monotonic()
        cmd = [sys.executable, me, "--build", build, "system", "--one", "%s:%s" % test]
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, timeout=1800)
            out, status = p.stdout, p.returncode
        except subprocess.TimeoutExpired as e:
            out, status = (e.stdout or b"").decode(errors="replace"), "timed out after 1800 s"
        return out, status, time.monotonic() - start

    took = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for (fname, attr), fut in zip(tests, [pool.submit(work, t) for t in tests]):
            out, status, secs = fut.result()
            name = "%s:%s" % (fname[:-3], attr)
            replay(tally, name, out, status)
            took.append((secs, name))
    slow = sorted(took, reverse=True)[:5]
    if slow:
        print("   slowest: " + ", ".join("%s %.0f s" % (n, s) for s, n in slow), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("suite", choices=["all", "source", "unit", "kernel", "system"])
    ap.add_argument("--build", default="build")
    ap.add_argument("--unit", nargs="*", default=[])
    ap.add_argument("--fuzz", nargs="*", default=[])
    ap.add_argument("--fuzz-runs", type=int, default=20000)
    ap.add_argument("-k", dest="only", help="run only system tests whose name contains this")
    ap.add_argument("-j", dest="jobs", type=int,
                    default=int(os.environ.get("KAAL_TEST_JOBS") or os.cpu_count() or 1),
                    help="system tests run at once (default: KAAL_TEST_JOBS or the CPU count)")
    ap.add_argument("--one", metavar="FILE:TEST", help=argparse.SUPPRESS)
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    if args.one:   # a worker of run_system
        fname, attr = args.one.split(":")
        t = Tally("system")
        run_system_one(build, t, fname, attr)
        return 1 if t.failed else 0

    tallies = []
    suites = ["source", "unit", "kernel", "system"] if args.suite == "all" else [args.suite]
    for suite in suites:
        t = Tally(suite)
        start = time.monotonic()
        print("== %s tests" % suite, flush=True)
        if suite == "source":
            run_source(t)
        elif suite == "unit":
            run_unit(args.unit, t)
            run_python_unit(build, t)
            run_fuzz(build, args.fuzz, args.fuzz_runs, t)
        elif suite == "kernel":
            run_kernel(build, t)
        else:
            run_system(build, t, args.only, args.jobs)
        print("== %s: %s (%.1f s)" % (suite, t.summary(), time.monotonic() - start), flush=True)
        tallies.append(t)

    failed = [(t.suite, n, d) for t in tallies for n, d in t.failed]
    passed = sum(t.passed for t in tallies)
    skipped = sum(t.skipped for t in tallies)
    if len(tallies) > 1 or failed:
        if failed:
            print("\nFailures:")
            for suite, name, _ in failed:
                print("  %s/%s" % (suite, name))
        line = "%d passed, %d failed" % (passed, len(failed))
        if skipped:
            line += ", %d skipped" % skipped
        print(line)
    else:
        print(tallies[0].summary())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
