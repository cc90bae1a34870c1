# SPDX-License-Identifier: BSD-2-Clause
"""Kernel IPC figures (`make bench`), from the ipcbench system
(tests/bench/ipcbench/): Call + ReplyRecv round trip between two address
spaces and between two threads of one address space, a null syscall (seL4_Yield alone), Signal + Wait on one's own
notification. The guest measures TSC cycles (median of 10,000); cycles turn
into ns with the cycles-per-ns of the Linux guest booted in the same run
(its pipe round trip is timed in both), and the Linux figures give the
ratios: pipe round trip between two processes, getppid."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import linux_reference  # noqa: E402
from qemu_harness import Guest  # noqa: E402


def measure_kaal(build):
    with open(os.path.join(build, "systems", "ipcbench.initrd")) as f:
        modules = f.read().strip().split(",")
    with Guest(os.path.join(build, "kernel", "kaal.elf32"), modules) as g:
        g.expect(r"component client exited with status 0", timeout=120)
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"ipcbench: (\w+) (\d+)\n", g.output)}


def run(build):
    kaal = measure_kaal(build)
    linux = linux_reference.measure(build)
    cycles_per_ns = linux["pipe_rt_cycles"].value / linux_reference.ns(linux, "pipe_rt")
    for name, key in (("ipc_call_rt", "call_rt"), ("ipc_call_rt_same_as", "call_rt_same_as"),
                      ("null_syscall", "yield"),
                      ("notify_signal_wait", "signal_wait")):
        yield name, kaal[key], "cycles"
        yield name + "_ns", kaal[key] / cycles_per_ns, "ns"
    yield "ipc_call_rt_vs_linux_pipe_rt", linux["pipe_rt_cycles"].value / kaal["call_rt"], "x"
    yield ("null_syscall_vs_linux_getppid", linux["getppid_cycles"].value / kaal["yield"], "x")
