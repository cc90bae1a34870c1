# SPDX-License-Identifier: BSD-2-Clause
"""Boot time: QEMU start to the root task's `Hello, World!` line, and to the
shell's `kaal> ` prompt of the default system (what `make run` boots),
next to the floor QEMU itself costs (start to exit of an empty multiboot
kernel), all with qboot, medians of 10 runs in the same process."""
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


def time_to_prompt(build):
    kernel = os.path.join(build, "kernel", "kaal.elf32")
    with open(os.path.join(build, "systems", "default.initrd")) as f:
        modules = f.read().strip().split(",")
    with Guest(kernel, modules) as g:
        g.expect(r"kaal> ", timeout=60)
        return time.monotonic() - g.start_time


def time_empty_kernel(build):
    with Guest(os.path.join(build, "bench", "empty_kernel.elf")) as g:
        g.wait_exit(timeout=60)
        return time.monotonic() - g.start_time


def run(build):
    hello = statistics.median(time_to_hello(build) for _ in range(RUNS)) * 1000
    prompt = statistics.median(time_to_prompt(build) for _ in range(RUNS)) * 1000
    empty = statistics.median(time_empty_kernel(build) for _ in range(RUNS)) * 1000
    yield "boot_to_hello", hello, "ms"
    yield "boot_to_prompt", prompt, "ms"
    yield "boot_empty_kernel", empty, "ms"
    yield "boot_to_hello_vs_empty", hello / empty, "x"
    yield "boot_to_prompt_vs_empty", prompt / empty, "x"
