# SPDX-License-Identifier: BSD-2-Clause
"""Linux reference figures (`make bench`): Debian's Linux kernel booted under
the same QEMU command as KaaL, running tests/bench/linux/linuxbench as
/init. Every figure is printed as `bench: linux_<name> <value> <unit>`; the
boot is shared with other benchmarks through linux_reference.measure()."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import linux_reference  # noqa: E402

# Printed first, in this order; anything else the guest reports follows.
ORDER = ("boot_to_init", "kernel_boot_to_init", "getppid", "pipe_rt", "futex_rt",
         "page_fault", "page_fault_mean", "fork_exec_wait", "pipe_bulk", "memcpy",
         "memcpy_32m", "tmpfs_write_256m", "tmpfs_write_256m_cold", "tmpfs_read_256m")


def run(build):
    figures = linux_reference.measure(build)
    names = [n for n in ORDER if n in figures]
    for n in ORDER:
        if n + "_cycles" in figures:
            names.insert(names.index(n) + 1, n + "_cycles")
    names += sorted(n for n in figures if n not in names)
    for name in names:
        fig = figures[name]
        yield "linux_" + name, fig.value, fig.unit
