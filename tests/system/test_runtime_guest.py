# SPDX-License-Identifier: BSD-2-Clause
"""The runtime's freestanding builds inside a guest: tests/unit/heap/
guest_smoke.c (runtime-smoke.elf) is booted as the root task and runs
malloc/realloc/calloc/aligned_alloc (runtime/heap/malloc.c, which only the
guest library has), heap misuse reporting, an SPSC ring, the MPMC queue and
a DMA pool; it prints TAP lines and `N passed, N failed`. The thorough tests
of the same code are the host unit tests."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from qemu_harness import Guest  # noqa: E402


def test_heap_rings_and_dma_pool_work_in_a_guest(build):
    kernel = os.path.join(build, "kernel", "kaal.elf32")
    smoke = os.path.join(build, "guest", "bin", "runtime-smoke.elf")
    with Guest(kernel, [smoke]) as g:
        m = g.expect(r"(\d+) passed, (\d+) failed\n")
        failed = re.findall(r"^not ok \d+ - (.*)$", g.output, re.M)
        assert m.group(2) == "0" and not failed, "failed in the guest: %s\n%s" % (
            ", ".join(failed), g.tail())
        assert int(m.group(1)) == len(re.findall(r"^ok \d+ - ", g.output, re.M)) > 0, g.tail()
