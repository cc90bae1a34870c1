# SPDX-License-Identifier: BSD-2-Clause
"""The timer component (drivers/timer) with its test client
(tests/system/timer/): timeouts signalled in deadline order and never
before their deadline as the guest's own clock (kaal_time_ns) measures it,
one already past at once, a chained long one, a replacement, a cancel, two
clients interleaved, errors for bad requests, and a client whose channel
lacks Grant refused. The checks are made in the guest; the test reads its
verdict lines (no host clock is involved)."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from qemu_harness import Guest  # noqa: E402

A_CHECKS = [
    "kaal_time_ns() is monotonic",
    "set_timeout before register: no such thing",
    "register without a cap: invalid argument",
    "unknown request: not implemented",
    "register again (replaces)",
    "deadline already past: signalled at once",
    "20 ms timeout: signalled, not early",
    "150 ms timeout (chained): signalled, not early",
    "replaced 10 ms by 80 ms: one signal, not before 80 ms",
    "cancelled 15 ms: only the other client's 60 ms came",
    "two clients interleaved: 2, 2, 1, 2, 1 in deadline order",
    "no stray signal left over",
]


def test_timeouts_come_in_order_and_never_early(build):
    with open(os.path.join(build, "systems", "timer.initrd")) as f:
        modules = f.read().strip().split(",")
    with Guest(os.path.join(build, "kernel", "kaal.elf32"), modules) as g:
        g.expect(r"\[KaaL\] timer: .* TSC (\d+) MHz")
        g.expect(r"a: done, \d+ failures\n", timeout=120)  # the longest of the three
        for name in ("b", "c"):
            if not re.search(r"%s: done, \d+ failures\n" % name, g.output):
                g.expect(r"%s: done, \d+ failures\n" % name, timeout=60)
        out = g.output
        for check in A_CHECKS:
            assert "a: %s\n" % check in out, (check, g.tail())
        assert "b: 8 periodic 25 ms timeouts, none early\n" in out, g.tail()
        assert ("c: register over a channel without grant: the cap did not travel "
                "(invalid argument)\n") in out, g.tail()
        for name in ("a", "b", "c"):
            assert "%s: done, 0 failures\n" % name in out, g.tail()
        assert "WRONG" not in out and "EARLY" not in out, g.tail()
        assert "driver stopped" not in out and "faulted" not in out, g.tail()
