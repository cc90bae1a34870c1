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
dropped: no test program prints a line starting with `[`; so is sh's own
report of a death by signal, `Segmentation fault`, the last line when
$? > 128).
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
# Each program runs in a second or two even on a loaded 2-core machine; one
# that has not ended after a minute hangs (and costs the test suite that
# minute: the next program boots a new guest).
GUEST_TIMEOUT_S = 60
SYSTEM_NOISE = re.compile(r"^\[[ A-Za-z0-9_.:-]+\] ")


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
    # all.LIBC is the multi-call binary the program names link to.
    names = sorted(n for n in os.listdir(tdir)
                   if n.rsplit(".", 1)[-1] in LIBCS and not n.startswith((".", "all.")))
    return [n for n in names if not only or only in n]


def default_signals():
    """In the child before exec: every signal at its default disposition, as
    the guest's sh leaves them. A harness started in the background of a
    non-interactive shell inherits SIGINT and SIGQUIT ignored, and a program
    killed by them would then exit 0 on the host."""
    for sig in range(1, signal.NSIG):
        if sig not in (signal.SIGKILL, signal.SIGSTOP):
            try:
                signal.signal(sig, signal.SIG_DFL)
            except (OSError, ValueError):
                pass   # not a real signal number here (32, 33: glibc's own)


def run_host(path, timeout=HOST_TIMEOUT_S):
    """Runs one program in a fresh scratch directory as cwd, stdin from
    /dev/null, a small fixed environment. Returns (Outcome, stderr text)."""
    scratch = tempfile.mkdtemp(prefix="posixdiff.")
    env = {"PATH": "/usr/bin:/bin", "HOME": "/", "LC_ALL": "C"}
    try:
        p = subprocess.Popen([os.path.abspath(path)], cwd=scratch, env=env,
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, start_new_session=True,
                             preexec_fn=default_signals)
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
    status = int(end.group(1))
    if status > 128 and kept and kept[-1] in sh_signal_report(status - 128):
        kept.pop()
    return Outcome("".join(line + "\n" for line in kept), status)


def sh_signal_report(signo):
    """The lines busybox sh prints (on its stderr, the console) when a
    foreground program dies of signo: strsignal's text, as the host's libc
    gives it (busybox-static is glibc's)."""
    try:
        text = signal.strsignal(signo)
    except ValueError:
        return ()
    return (text, text + " (core dumped)") if text else ()


class ShellGuest:
    """A machine booted in QEMU with busybox sh on its serial console and the
    programs in /t; run(name) runs /t/NAME there. A program that does not
    finish costs the guest: the next run boots a new one. Subclasses say
    how to boot (_start returns a qemu_harness.Guest)."""

    READY_TRIES = 20

    def __init__(self, build, boot_timeout=300):
        self.build = build
        self.boot_timeout = boot_timeout
        self.guest = None
        self.run_id = 0
        self.listing = ""

    def _start(self):
        raise NotImplementedError

    def _boot(self):
        self.guest = self._start()
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
        # Builtins and globbing only: no child for sh to wait for.
        self.guest.send('for f in %s/*; do echo "@@""f=$f"; done; echo "@@""listed"\r'
                        % GUEST_DIR)
        m = self.guest.expect(r"(?s)\n(@@f=.*?)?@@listed\n", timeout=60)
        self.listing = re.findall(r"(?m)^@@f=%s/(.*)$" % GUEST_DIR, m.group(1) or "")

    def has(self, name):
        """Whether /t/NAME is in the guest (sh's glob /t/* after boot)."""
        if self.guest is None:
            self._boot()
        return name in self.listing

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
        except AssertionError:
            why = "QEMU exited (status %s)" % g.status if g.status is not None \
                else "no @@rc line within %d s" % timeout
            text = g.output[start:]
            self.close()
            begin = text.find("@@begin.%d\n" % self.run_id)
            partial = text[begin:].split("\n", 1)[1] if begin >= 0 else ""
            return Outcome(partial, None, why)
        return parse_transcript(g.output[start:g.pos], self.run_id)

    def close(self):
        if self.guest is not None:
            self.guest.kill()
            self.guest = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class KaalGuest(ShellGuest):
    """The POSIX system (system/posix.toml) booted as `make run SYSTEM=posix`
    does; its rootfs holds the programs in /t (POSIX_ROOTFS_EXTRA)."""

    def __init__(self, build, system="posix", **kw):
        super().__init__(build, **kw)
        self.system = system

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

    def _start(self):
        from qemu_harness import Guest
        with open(os.path.join(self.build, "systems", self.system + ".initrd")) as f:
            modules = f.read().strip().split(",")
        return Guest(os.path.join(self.build, "kernel", "kaal.elf32"), modules)


LINUX_INIT = b"""#!/bin/sh
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mount -t tmpfs tmp /tmp
exec setsid cttyhack sh
"""
BUSYBOX = "/bin/busybox"


class LinuxGuest(ShellGuest):
    """Debian's Linux kernel in the same QEMU with an initramfs of
    busybox-static and /t: the harness's guest side checked against a
    kernel that is Linux, so a difference there is the harness's own."""

    @staticmethod
    def missing(build):
        if not os.path.exists(BUSYBOX):
            return "no %s: install busybox-static (make deps)" % BUSYBOX
        try:
            sys.path.insert(0, os.path.join(ROOT, "tests", "bench"))
            import linux_reference
            linux_reference.find_kernel()
        except Exception as e:  # LinuxBenchError says what to install
            return str(e)
        return None

    def _start(self):
        sys.path.insert(0, os.path.join(ROOT, "tests", "bench"))
        import linux_reference
        import mkcpio
        from qemu_harness import Guest
        w = mkcpio.CpioWriter()
        for d in ("/bin", "/dev", "/proc", "/tmp", GUEST_DIR):
            w.add_dir(d)
        w.add_char("/dev/console", 5, 1)
        with open(BUSYBOX, "rb") as f:
            w.add_file("/bin/busybox", f.read(), 0o755)
        for applet in ("sh", "mount", "mkdir", "ls", "setsid", "cttyhack", "echo", "cat", "rm"):
            w.add_symlink("/bin/" + applet, "busybox")
        w.add_file("/init", LINUX_INIT, 0o755)
        tdir = os.path.join(self.build, "posix-tests", "t")
        for name in sorted(os.listdir(tdir)):
            path = os.path.join(tdir, name)
            if os.path.islink(path):
                w.add_symlink("%s/%s" % (GUEST_DIR, name), os.readlink(path))
            else:
                with open(path, "rb") as f:
                    w.add_file("%s/%s" % (GUEST_DIR, name), f.read(), 0o755)
        self._initramfs = tempfile.NamedTemporaryFile(prefix="posixdiff-linux.", suffix=".cpio")
        self._initramfs.write(w.finish())
        self._initramfs.flush()
        return Guest(linux_reference.find_kernel(), [self._initramfs.name],
                     extra=["-append", linux_reference.KERNEL_APPEND])


def judge(results, expected_mismatch):
    """The problems in results ([(name, same, text)]) given the programs
    expected to differ ({name: reason}): an unexpected difference (its diff),
    a listed program that now matches (the list only shrinks), a listed
    program that was not run."""
    ran = {name for name, _, _ in results}
    problems = [text for name, same, text in results
                if not same and name not in expected_mismatch]
    problems += ["%s now behaves as on Linux: take it off the expected mismatches (%s)"
                 % (name, expected_mismatch[name]) for name, same, _ in results
                 if same and name in expected_mismatch]
    problems += ["%s is listed as an expected mismatch but was not run" % name
                 for name in sorted(expected_mismatch) if name not in ran]
    return problems


def host_self_check(build, only=None, runs=2, out=print):
    """Every program, `runs` times under each libc on the host: the runs of
    one binary must agree (determinism), musl must agree with glibc, and
    no program writes to stderr. Prints `NAME: same` or what is wrong per
    program; returns (programs with a problem, programs)."""
    failed = 0
    names = sorted({n.rsplit(".", 1)[0] for n in programs(build, only)})
    for base in names:
        outcomes, problems = {}, []
        for libc in LIBCS:
            path = os.path.join(build, "posix-tests", "t", "%s.%s" % (base, libc))
            for i in range(runs):
                o, err = run_host(path)
                if err:
                    problems.append("%s.%s wrote to stderr:\n%s" % (base, libc, err[-2000:]))
                if libc not in outcomes:
                    outcomes[libc] = o
                    continue
                same, text = compare("%s.%s" % (base, libc), outcomes[libc], o,
                                     "run1", "run%d" % (i + 1))
                if not same:
                    problems.append(text.replace(": differs", " is not deterministic:", 1))
        same, text = compare(base, outcomes["musl"], outcomes["glibc"], "musl", "glibc")
        if not same:
            problems.append(text)
        if problems:
            failed += 1
            out("%s: differs\n%s" % (base, "\n".join(problems)))
        else:
            out("%s: same" % base)
    return failed, len(names)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("-k", dest="only", help="only programs whose name contains this")
    ap.add_argument("--kaal", action="store_true", help="compare the host with KaaL (QEMU)")
    ap.add_argument("--linux-guest", action="store_true",
                    help="compare the host with Debian's Linux in the same QEMU (checks the "
                    "harness's guest side)")
    ap.add_argument("--system", default="posix", help="the KaaL system to boot (default posix)")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    names = programs(build, args.only)
    if not names:
        print("posixdiff: no programs in %s/posix-tests/t (run make)" % build)
        return 2
    if not args.kaal and not args.linux_guest:
        failed, n = host_self_check(build, args.only)
        print("posixdiff: %d same, %d differ (host: musl against glibc, each run twice)"
              % (n - failed, failed))
        return 1 if failed else 0
    if args.linux_guest:
        why, side, guest = LinuxGuest.missing(build), "linux", LinuxGuest(build)
    else:
        why, side, guest = (KaalGuest.missing(build, args.system), "kaal",
                            KaalGuest(build, args.system))
    if why:
        print("posixdiff: cannot run in the %s guest: %s" % (side, why))
        return 2
    same_n = differ_n = 0
    with guest as kaal:
        for name in names:
            host, _ = run_host(os.path.join(build, "posix-tests", "t", name))
            same, text = compare(name, host, kaal.run(name), "host", side)
            print(text, flush=True)
            same_n += same
            differ_n += not same
    print("posixdiff: %d same, %d differ" % (same_n, differ_n))
    return 1 if differ_n else 0


if __name__ == "__main__":
    sys.exit(main())
