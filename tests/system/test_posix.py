# SPDX-License-Identifier: BSD-2-Clause
"""The POSIX server (services/posix): unmodified static Linux binaries run
as its processes, their syscalls arriving as UnknownSyscall faults.

posixhello runs a static musl program as pid 1 (the loader, the initial
stack, TLS, brk, mmap, write, exit_group's status); system/posix.toml runs
Debian's busybox-static sh on the console, driven here as a user would."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from qemu_harness import Guest  # noqa: E402

PROMPT = "# "
IDLE = "[KaaL] no runnable threads: idle\n"


def boot(build, system):
    with open(os.path.join(build, "systems", system + ".initrd")) as f:
        modules = f.read().strip().split(",")
    g = Guest(os.path.join(build, "kernel", "kaal.elf32"), modules)
    g.expect(r"init: starting system '%s'" % system)
    return g


def test_a_static_musl_program_gets_its_arguments_memory_and_exit_status(build):
    with boot(build, "posixhello") as g:
        m = g.expect(r"hello from musl: (.*)\r?\n")
        assert m.group(1) == ("argc=2 argv[1]=world PATH=/bin:/sbin:/usr/bin:/usr/sbin "
                              "pagesz=4096 random=yes tls=42 brk=ok mmap=ok"), m.group(0)
        # exit_group(3): the wait status word is 3 << 8.
        g.expect(r"posix: init \(pid 1\) ended with status 0x300")
        assert "segmentation fault" not in g.output, g.tail()
