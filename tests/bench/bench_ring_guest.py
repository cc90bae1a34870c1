# SPDX-License-Identifier: BSD-2-Clause
"""Shared-memory ring vs seL4_Call between two KaaL components (`make
bench`), from the ringbench system (tests/bench/ringbench/, README there):
32 MiB in 4 KiB messages, the producer writing and the consumer reading
every word of each,
  ring_bulk_4k     over a ring channel (64 buffers of 4 KiB, signal
                   suppression: one signal per batch of 64);
  call_bulk_4k     one seL4_Call per message, the 4 KiB in a buffer shared
                   by the two components (same data movement as the ring);
  call_mr_bulk_4k  the 4 KiB in message registers: 5 Calls per message
                   (960 bytes fit in one message);
each of the first two also as a `_copy` variant, where the producer
memcpy's a prepared block into the buffer and the consumer memcpy's it out
(the data movement of a program that sends what it has and keeps what it
gets, rather than generating and checksumming every word); and
ring_rt_1msg, the median round trip of one 8-byte message over a ring
pair with notifications. The guest counts TSC cycles; they become ns with
the cycles-per-ns of the Linux guest booted in the same run, as
bench_ipc.py does."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import linux_reference  # noqa: E402
from qemu_harness import Guest  # noqa: E402

MIB = 1024 * 1024


def measure_kaal(build):
    with open(os.path.join(build, "systems", "ringbench.initrd")) as f:
        modules = f.read().strip().split(",")
    with Guest(os.path.join(build, "kernel", "kaal.elf32"), modules) as g:
        g.expect(r"component src exited with status 0", timeout=300)
    return {m.group(1): (int(m.group(2)), int(m.group(3)))
            for m in re.finditer(r"ringbench: (\w+) (\d+) (\d+)\n", g.output)}


BULK = ("ring_bulk_4k", "call_bulk_4k", "ring_bulk_4k_copy", "call_bulk_4k_copy",
        "call_mr_bulk_4k")


def run(build):
    kaal = measure_kaal(build)
    for key in BULK:
        cycles, n_bytes = kaal[key]
        yield key + "_cycles_per_msg", cycles / (n_bytes / 4096), "cycles"
    yield "ring_rt_1msg_cycles", kaal["ring_rt_1msg"][0], "cycles"
    ring = kaal["ring_bulk_4k"][0]
    yield "ring_vs_call_4k", kaal["call_bulk_4k"][0] / ring, "x"
    yield "ring_vs_call_4k_copy", kaal["call_bulk_4k_copy"][0] / kaal["ring_bulk_4k_copy"][0], "x"
    yield "ring_vs_call_mr_4k", kaal["call_mr_bulk_4k"][0] / ring, "x"
    linux = linux_reference.measure(build)
    cycles_per_ns = linux["pipe_rt_cycles"].value / linux_reference.ns(linux, "pipe_rt")
    for key in BULK:
        cycles, n_bytes = kaal[key]
        yield key, (n_bytes / MIB) / (cycles / cycles_per_ns / 1e9), "MiB/s"
    yield "ring_rt_1msg", kaal["ring_rt_1msg"][0] / cycles_per_ns, "ns"
