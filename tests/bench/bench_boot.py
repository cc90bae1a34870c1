# SPDX-License-Identifier: BSD-2-Clause
"""Boot time: QEMU start to the root task's `Hello, World!` line, next to the
floor QEMU itself costs (start to exit of an empty multiboot kernel), both
with qboot, medians of 10 runs in the same process."""
import os
import statistics
import time

from qemu_harness import Guest

RUNS = 10


def time_to_hello(build):
    kernel = os.path.join(build, "kernel", "kaal.elf32")
    init = os.path.join(build, "guest", "bin", "init.elf")
    with Guest(kernel, [init]) as g:
        g.expect(r"Hello, World!", timeout=60)
        elapsed = time.monotonic() - g.start_time
        g.wait_exit()
    return elapsed


def time_empty_kernel(build):
    with Guest(os.path.join(build, "bench", "empty_kernel.elf")) as g:
        g.wait_exit(timeout=60)
        return time.monotonic() - g.start_time


def run(build):
    hello = statistics.median(time_to_hello(build) for _ in range(RUNS)) * 1000
    empty = statistics.median(time_empty_kernel(build) for _ in range(RUNS)) * 1000
    yield "boot_to_hello", hello, "ms"
    yield "boot_empty_kernel", empty, "ms"
    yield "boot_to_hello_vs_empty", hello / empty, "x"
