# SPDX-License-Identifier: BSD-2-Clause
"""Boot a KaaL image under QEMU (TCG) and talk to its serial console.

Used by the guest and system tests and by the benchmarks. A Guest collects
everything the machine prints; expect() waits for a regular expression with a
timeout and, when it does not come, raises GuestTimeout whose message says
what was awaited plus the last 40 lines of serial output.

Exit status: the guest stops the machine by writing a byte V to the
isa-debug-exit port (0xf4); QEMU then exits with (V << 1) | 1. KaaL writes 0
for success, so QEMU status 1 means "guest said success" and exit_code()
returns (status - 1) / 2, i.e. the byte the guest wrote.
"""
import codecs
import os
import re
import selectors
import subprocess
import time

QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
QBOOT = "/usr/share/qemu/qboot.rom"


class GuestTimeout(AssertionError):
    pass


def system_args(build, name):
    """The QEMU arguments of system `name`'s [machine] table (NIC, host
    forwards on 127.0.0.1, drives), as systoml-compile wrote them to
    build/systems/NAME.qemu; [] if it has none."""
    try:
        with open(os.path.join(build, "systems", name + ".qemu")) as f:
            return [line for line in f.read().split("\n") if line]
    except FileNotFoundError:
        return []


def system_guest(build, name, extra=(), machine=True, **kw):
    """A Guest booting build/systems/NAME.initrd on the machine its
    system.toml describes (machine=False: without those arguments, e.g. to
    boot a NIC driver's system with no NIC); extra is added after them."""
    with open(os.path.join(build, "systems", name + ".initrd")) as f:
        modules = f.read().strip().split(",")
    args = (system_args(build, name) if machine else []) + list(extra)
    return Guest(os.path.join(build, "kernel", "kaal.elf32"), modules, extra=args, **kw)


def qemu_command(kernel, modules=(), extra=(), bios=QBOOT, cpu="qemu64", memory="512M"):
    cmd = [QEMU, "-accel", "tcg", "-cpu", cpu, "-m", memory, "-nographic",
           "-no-reboot", "-monitor", "none", "-serial", "stdio",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
           "-kernel", kernel]
    if bios:
        cmd += ["-bios", bios]
    if modules:
        cmd += ["-initrd", ",".join(modules)]
    cmd += list(extra)
    return cmd


class Guest:
    """One QEMU process; serial output accumulates in self.output (text)."""

    def __init__(self, kernel, modules=(), extra=(), **kw):
        self.cmd = qemu_command(kernel, modules, extra, **kw)
        self.start_time = time.monotonic()
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.proc.stdout, selectors.EVENT_READ)
        self.output = ""
        self._held = ""       # undecided trailing \r of the last read
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.pos = 0          # expect() searches from here on
        self.status = None

    def _pump(self, timeout):
        """Read what is available within timeout seconds; False at EOF."""
        if not self.sel.select(timeout):
            return True
        data = self.proc.stdout.read()
        if not data:
            self.status = self.proc.wait()
            return False
        text = self._held + self._decoder.decode(data)
        # A read may end between \r and \n: hold a trailing \r back.
        self._held = "\r" if text.endswith("\r") else ""
        if self._held:
            text = text[:-1]
        self.output += text.replace("\r\n", "\n")
        return True

    def tail(self, n=40):
        return "\n".join(self.output.splitlines()[-n:])

    def expect(self, pattern, timeout=30):
        """Wait for pattern (regex) after the previous match; return the match.
        Output arrives in pieces: end a pattern that captures a number with
        something that must follow it (e.g. \\n), or it may match a prefix."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.output, self.pos)
            if m:
                self.pos = m.end()
                return m
            left = deadline - time.monotonic()
            if left <= 0 or (self.status is not None):
                why = "QEMU exited with status %s" % self.status if self.status is not None \
                    else "timed out after %ss" % timeout
                raise GuestTimeout("waited for /%s/ on the serial console: %s\n"
                                   "--- last 40 lines of serial output ---\n%s"
                                   % (pattern, why, self.tail()))
            if not self._pump(min(left, 0.5)):
                continue

    def send(self, text):
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def wait_exit(self, timeout=30):
        """Wait for QEMU to stop; return the byte the guest wrote to debug-exit
        (None if QEMU exited some other way, e.g. killed or a triple fault)."""
        deadline = time.monotonic() + timeout
        while self.status is None:
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise GuestTimeout("waited for the guest to stop the machine: timed out "
                                   "after %ss\n--- last 40 lines of serial output ---\n%s"
                                   % (timeout, self.tail()))
            self._pump(min(left, 0.5))
        return exit_code(self.status)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.status is None:
            self.status = self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()


def exit_code(qemu_status):
    if qemu_status is None or qemu_status < 0 or qemu_status % 2 == 0:
        return None
    return (qemu_status - 1) // 2
