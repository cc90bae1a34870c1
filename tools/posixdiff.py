#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The POSIX differential harness: runs the test programs of tests/posix/
on the host Linux and inside KaaL and compares what they did.

A program's outcome is its standard output plus how it ended, encoded the
way sh reports it in $?: the exit status, or 128 + N for death by signal N.
Programs run in an empty scratch directory of their own and inspect the
files they created themselves, so stdout + status is the whole comparison.

  posixdiff.py [--build DIR] [-k NAME]            host only: musl against glibc
  posixdiff.py [--build DIR] [-k NAME] --kaal     host against KaaL (QEMU)

Each program gets one line, `NAME: same`, or `NAME: differs` followed by a
unified diff (host first); the last line is `posixdiff: N same, N differ`.
Exit status 1 if anything differs.

In KaaL the programs are /t/NAME (the build's posix-tests/t/ directory,
copied into the POSIX system's rootfs through POSIX_ROOTFS_EXTRA) and the
harness types into busybox sh on the console, for each program:

  echo @@beg""in.ID; mkdir /tmp/w.ID && cd /tmp/w.ID && /t/NAME; echo "@@""rc=$?"; cd /

The quotes keep the console's echo of the typed line from matching the
markers; what lies between `@@begin.ID` and `@@rc=N` is the program's
output (lines other parts of the system print there, `[name] ...`, are
dropped: no test program prints a line starting with `[`).
"""
import argparse
import difflib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))

LIBCS = ("musl", "glibc")
GUEST_DIR = "/t"
HOST_TIMEOUT_S = 60
GUEST_TIMEOUT_S = 600
SYSTEM_NOISE = re.compile(r"^\[[A-Za-z0-9_.-]+\] ")


class Outcome:
    """What one run of a program did: stdout text and sh's $? (128 + N for
    signal N); status None when it did not finish (timeout or lost guest),
    with why saying what happened."""

    def __init__(self, stdout, status, why=""):
        self.stdout = stdout
        self.status = status
        self.why = why

    def lines(self):
        out = self.stdout.splitlines()
        if self.status is None:
            out.append("[did not finish: %s]" % self.why)
        else:
            out.append("[exit status %d]" % self.status)
        return out

    def __eq__(self, other):
        return self.lines() == other.lines()

    def __repr__(self):
        return "Outcome(%r, %r, %r)" % (self.stdout, self.status, self.why)


def shell_status(returncode):
    """subprocess's returncode (negative for a signal) as sh's $?."""
    return 128 - returncode if returncode < 0 else returncode


def programs(build, only=None):
    """The built program names (files.musl, ...), sorted; only: a substring."""
    tdir = os.path.join(build, "posix-tests", "t")
    if not os.path.isdir(tdir):
        return []
    names = sorted(n for n in os.listdir(tdir)
                   if n.rsplit(".", 1)[-1] in LIBCS and not n.startswith("."))
    return [n for n in names if not only or only in n]


def run_host(path, timeout=HOST_TIMEOUT_S):
    """Runs one program in a fresh scratch directory as cwd, stdin from
    /dev/null, a small fixed environment. Returns (Outcome, stderr text)."""
    scratch = tempfile.mkdtemp(prefix="posixdiff.")
    env = {"PATH": "/usr/bin:/bin", "HOME": "/", "LC_ALL": "C"}
    try:
        p = subprocess.Popen([os.path.abspath(path)], cwd=scratch, env=env,
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, start_new_session=True)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, err = p.communicate()
            return Outcome(out.decode(errors="replace"), None,
                           "timed out after %d s" % timeout), err.decode(errors="replace")
        return (Outcome(out.decode(errors="replace"), shell_status(p.returncode)),
                err.decode(errors="replace"))
    finally:
        # A program may leave read-only directories behind.
        for d, subdirs, _ in os.walk(scratch):
            for s in subdirs:
                try:
                    os.chmod(os.path.join(d, s), 0o755, follow_symlinks=False)
                except OSError:
                    pass
        shutil.rmtree(scratch, ignore_errors=True)


def compare(name, a, b, a_name="host", b_name="kaal"):
    """(same?, text): `NAME: same`, or `NAME: differs` and a unified diff."""
    if a == b:
        return True, "%s: same" % name
    diff = difflib.unified_diff(a.lines(), b.lines(), "%s/%s" % (a_name, name),
                                "%s/%s" % (b_name, name), lineterm="")
    return False, "%s: differs\n%s" % (name, "\n".join(diff))


def guest_command(run_id, name):
    """The line typed into sh to run /t/NAME in its own scratch directory."""
    return ('echo @@beg""in.%d; mkdir /tmp/w.%d && cd /tmp/w.%d && %s/%s; '
            'echo "@@""rc=$?"; cd /' % (run_id, run_id, run_id, GUEST_DIR, name))


class TranscriptError(ValueError):
    pass


def parse_transcript(text, run_id):
    """The Outcome of run run_id in console text (\\n line ends): the lines
    between `@@begin.ID` and `@@rc=N`, system lines dropped. Raises
    TranscriptError saying what is missing or malformed."""
    begin = re.search(r"(?m)^@@begin\.%d\n" % run_id, text)
    if not begin:
        raise TranscriptError("no line @@begin.%d" % run_id)
    # Not anchored: output without a final newline ends where the marker begins.
    end = re.compile(r"@@rc=([^\n]*)\n").search(text, begin.end())
    if not end:
        raise TranscriptError("no line @@rc=N after @@begin.%d" % run_id)
    if not re.fullmatch(r"\d{1,3}", end.group(1)) or int(end.group(1)) > 255:
        raise TranscriptError("bad status in line @@rc=%s" % end.group(1))
    body = text[begin.end():end.start()]
    if "@@begin." in body:
        raise TranscriptError("another @@begin inside run %d" % run_id)
    lines = body.split("\n")
    if lines[-1] == "":
        lines.pop()
    kept = [line for line in lines if not SYSTEM_NOISE.match(line)]
    return Outcome("".join(line + "\n" for line in kept), int(end.group(1)))


class KaalGuest:
    """The POSIX system booted in QEMU with busybox sh on the console;
    run(name) runs /t/NAME there. A program that does not finish costs the
    guest: the next run boots a new one."""

    READY_TRIES = 20

    def __init__(self, build, system="posix", boot_timeout=300):
        self.build = build
        self.system = system
        self.boot_timeout = boot_timeout
        self.guest = None
        self.run_id = 0

    @staticmethod
    def missing(build, system="posix"):
        """What keeps the harness from running in KaaL, or None."""
        toml = os.path.join(ROOT, "system", system + ".toml")
        if not os.path.exists(toml):
            return "no system/%s.toml: the POSIX system is not in this tree" % system
        initrd = os.path.join(build, "systems", system + ".initrd")
        if not os.path.exists(initrd):
            return "no %s: build it with make" % initrd
        return None

    def _boot(self):
        from qemu_harness import Guest
        with open(os.path.join(self.build, "systems", self.system + ".initrd")) as f:
            modules = f.read().strip().split(",")
        self.guest = Guest(os.path.join(self.build, "kernel", "kaal.elf32"), modules)
        # Until sh reads the console, what we type may be lost: ask again.
        deadline = time.monotonic() + self.boot_timeout
        for _ in range(self.READY_TRIES):
            self.guest.send('echo @@rea""dy\r')
            try:
                self.guest.expect(r"(?m)^@@ready\n",
                                  timeout=max(1, min(15, deadline - time.monotonic())))
                break
            except AssertionError:
                if time.monotonic() >= deadline or self.guest.status is not None:
                    raise
        else:
            raise AssertionError("busybox sh never answered echo on the console\n"
                                 + self.guest.tail())
        self.guest.send("ls %s\r" % GUEST_DIR)
        self.guest.send('echo "@@""listed"\r')
        m = self.guest.expect(r"(?s)(.*?)\n@@listed\n", timeout=60)
        self.listing = m.group(1)

    def has(self, name):
        if self.guest is None:
            self._boot()
        return re.search(r"(?<![\w.])%s(?![\w.])" % re.escape(name), self.listing) is not None

    def run(self, name, timeout=GUEST_TIMEOUT_S):
        if self.guest is None:
            self._boot()
        self.run_id += 1
        g = self.guest
        g.pos = len(g.output)
        start = g.pos
        g.send(guest_command(self.run_id, name) + "\r")
        try:
            g.expect(r"@@rc=[^\n]*\n", timeout=timeout)
        except AssertionError as e:
            why = "QEMU exited (status %s)" % g.status if g.status is not None \
                else "no @@rc line within %d s" % timeout
            text = g.output[start:]
            self.close()
            begin = text.find("@@begin.%d\n" % self.run_id)
            partial = text[begin:].split("\n", 1)[1] if begin >= 0 else ""
            return Outcome(partial, None, why + "\n" + str(e).split("\n", 1)[0])
        return parse_transcript(g.output[start:g.pos], self.run_id)

    def close(self):
        if self.guest is not None:
            self.guest.kill()
            self.guest = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def host_self_check(build, only=None, runs=2, out=print):
    """Every program, `runs` times under each libc on the host: the runs of
    one binary must agree (determinism), musl must agree with glibc, and
    no program writes to stderr. Returns the number of failures."""
    failed = 0
    names = sorted({n.rsplit(".", 1)[0] for n in programs(build, only)})
    for base in names:
        outcomes = {}
        for libc in LIBCS:
            path = os.path.join(build, "posix-tests", "t", "%s.%s" % (base, libc))
            for i in range(runs):
                o, err = run_host(path)
                if err:
                    failed += 1
                    out("%s.%s: wrote to stderr:\n%s" % (base, libc, err[-2000:]))
                if libc in outcomes:
                    same, text = compare("%s.%s" % (base, libc), outcomes[libc], o,
                                         "run1", "run%d" % (i + 1))
                    if not same:
                        failed += 1
                        out(text.replace(": differs", ": not deterministic", 1))
                else:
                    outcomes[libc] = o
        same, text = compare(base, outcomes["musl"], outcomes["glibc"], "musl", "glibc")
        failed += not same
        out(text)
    return failed, len(names)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("-k", dest="only", help="only programs whose name contains this")
    ap.add_argument("--kaal", action="store_true", help="compare the host with KaaL (QEMU)")
    ap.add_argument("--system", default="posix", help="the KaaL system to boot (default posix)")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    names = programs(build, args.only)
    if not names:
        print("posixdiff: no programs in %s/posix-tests/t (run make)" % build)
        return 2
    if not args.kaal:
        failed, n = host_self_check(build, args.only)
        print("posixdiff: %d same, %d differ (host: musl against glibc, each run twice)"
              % (n - min(failed, n), failed))
        return 1 if failed else 0
    why = KaalGuest.missing(build, args.system)
    if why:
        print("posixdiff: cannot run in KaaL: %s" % why)
        return 2
    same_n = differ_n = 0
    with KaalGuest(build, args.system) as kaal:
        for name in names:
            host, _ = run_host(os.path.join(build, "posix-tests", "t", name))
            same, text = compare(name, host, kaal.run(name))
            print(text, flush=True)
            same_n += same
            differ_n += not same
    print("posixdiff: %d same, %d differ" % (same_n, differ_n))
    return 1 if differ_n else 0


if __name__ == "__main__":
    sys.exit(main())
