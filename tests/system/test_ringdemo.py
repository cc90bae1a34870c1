# SPDX-License-Identifier: BSD-2-Clause
"""The ring demo (apps/ringdemo/): a producer component sends 20000
numbered, checksummed messages of varying length to a consumer component
through a shared-memory ring channel; the consumer checks order and every
byte. Signal suppression must keep the busy path free of system calls:
far fewer signals than messages. Also boots the ring benchmark system
(tests/bench/ringbench/) once to check its transfers are correct."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from qemu_harness import Guest  # noqa: E402

MESSAGES = 20000


def boot_system(build, name):
    with open(os.path.join(build, "systems", name + ".initrd")) as f:
        modules = f.read().strip().split(",")
    return Guest(os.path.join(build, "kernel", "kaal.elf32"), modules)


def test_ringdemo_consumer_receives_every_message_in_order_with_few_signals(build):
    with boot_system(build, "ringdemo") as g:
        g.expect(r"init: starting system 'ringdemo' \(4 components\)")
        # Both components exit, in either order (their summaries come through
        # the console server, whole lines).
        for name in ("producer", "consumer"):
            g.expect(r"component %s exited with status \d+" % name, timeout=120)
            g.pos = 0
    out = g.output
    assert re.search(r"ringdemo: %d messages, 0 errors\n" % MESSAGES, out), g.tail()
    assert "component consumer exited with status 0" in out, g.tail()
    assert "component producer exited with status 0" in out, g.tail()
    assert "faulted" not in out, g.tail()
    m = re.search(r"ringdemo: producer sent %d messages, (\d+) signals, (\d+) waits\n" % MESSAGES,
                  out)
    c = re.search(r"ringdemo: consumer made (\d+) signals, (\d+) waits\n", out)
    assert m and c, g.tail()
    # With suppression a side signals only a peer that armed, i.e. ran dry:
    # about once per ring-full (64 buffers) on one CPU. Signalling every
    # batch of 16 would be 1250, every message 20000.
    for who, (signals, waits) in (("producer", m.groups()), ("consumer", c.groups())):
        assert int(signals) <= MESSAGES // 32, "%s made %s signals" % (who, signals)
        assert int(waits) <= MESSAGES // 32, "%s made %s waits" % (who, waits)


def test_ringbench_ring_and_call_transfers_deliver_every_word(build):
    # The benchmark system (tests/bench/ringbench/): src checks the sums
    # sink computed over every 4 KiB message of each variant and exits
    # with 1 on any mismatch.
    with boot_system(build, "ringbench") as g:
        g.expect(r"component src exited with status (\d+)\n", timeout=120)
    out = g.output
    assert "component src exited with status 0" in out, g.tail()
    for name in ("ring_bulk_4k", "ring_bulk_4k_copy", "ring_rt_1msg", "call_bulk_4k",
                 "call_bulk_4k_copy", "call_mr_bulk_4k"):
        assert re.search(r"ringbench: %s \d+ \d+\n" % name, out), name + "\n" + g.tail()
    for name in ("ring_bulk_4k", "ring_bulk_4k_copy"):
        signals = int(re.search(r"ringbench: %s_signals (\d+)" % name, out).group(1))
        # one per full ring of 16, not one per message (8192)
        assert signals <= 8192 // 8, "%s made %d signals" % (name, signals)
