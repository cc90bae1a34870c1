# SPDX-License-Identifier: BSD-2-Clause
"""POSIX server figures (`make bench`) from the posixbench system
(tests/system/systems/posixbench.toml): /bin/posix-bench, a static musl
program run as pid 1 (services/posix/tests/bench.c), times getppid (one
syscall round trip: fault IPC to the server and its reply), fork+exit+wait
and fork+exec+wait of busybox true with clock_gettime, whose time is the
server's kaal_time_ns. Each is printed next to the Linux guest of the same
run where it has the figure (linux_reference.py)."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import linux_reference  # noqa: E402
from qemu_harness import Guest  # noqa: E402


def measure_kaal(build):
    with open(os.path.join(build, "systems", "posixbench.initrd")) as f:
        modules = f.read().strip().split(",")
    with Guest(os.path.join(build, "kernel", "kaal.elf32"), modules) as g:
        g.expect(r"posix: init \(pid 1\) ended", timeout=300)
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"posixbench: (\w+) (\d+) ns", g.output)}


def run(build):
    kaal = measure_kaal(build)
    linux = linux_reference.measure(build)
    for name in ("getppid", "fork_exit_wait", "fork_exec_wait"):
        if name not in kaal:
            continue
        yield "posix_%s" % name, kaal[name], "ns"
        ref = linux_reference.ns(linux, name) if name in linux else None
        if ref:
            yield "posix_%s_vs_linux" % name, kaal[name] / ref, "x"
