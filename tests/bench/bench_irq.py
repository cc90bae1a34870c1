# SPDX-License-Identifier: BSD-2-Clause
"""Interrupt latency (`make bench`), from the irqbench root task
(tests/bench/irqbench/): worst delay between a PIT one-shot expiring and a
priority-200 handler thread waking on its IRQ notification, with nothing
else running (irq_latency_idle_worst_us) and while a priority-10 thread
copies 100,000 caps and revokes them in a loop (irq_latency_worst_us; of
the shots that expired during the revoke phase alone,
irq_latency_revoke_worst_us). Guest TSC, turned into microseconds with the
PIT as the reference. Under TCG on a shared host the figures include the
host's scheduling of QEMU's threads (the idle figure shows how much)."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu_harness import Guest  # noqa: E402


def run(build):
    kernel = os.path.join(build, "kernel", "kaal.elf32")
    bench = os.path.join(build, "guest", "bin", "irqbench.elf")
    with Guest(kernel, [bench]) as g:
        g.expect(r"irqbench: (done|FAILED.*)\n", timeout=300)
    if "irqbench: FAILED" in g.output:
        raise RuntimeError(g.output[-2000:])
    figures = {m.group(1): int(m.group(2))
               for m in re.finditer(r"irqbench: (\w+) (\d+)\n", g.output)}
    yield "irq_latency_idle_worst_us", figures["idle_worst_us"], "us"
    yield "irq_latency_worst_us", figures["loaded_worst_us"], "us"
    yield "irq_latency_revoke_worst_us", figures["revoke_worst_us"], "us"
    yield "irq_latency_mean_us", figures["loaded_mean_us"], "us"
