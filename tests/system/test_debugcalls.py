# SPDX-License-Identifier: BSD-2-Clause
"""Debug system calls withheld from a component (tests/system/debugcalls/,
system.toml `debug_syscalls = false`): its seL4_DebugHalt is an
UnknownSyscall fault that init reports like any other fault, the machine
keeps running, and a component that keeps the calls prints after it."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from qemu_harness import Guest  # noqa: E402


def test_component_without_debug_calls_cannot_stop_the_machine(build):
    with open(os.path.join(build, "systems", "debugcalls.initrd")) as f:
        modules = f.read().strip().split(",")
    with Guest(os.path.join(build, "kernel", "kaal.elf32"), modules) as g:
        g.expect(r"init: starting system 'debugcalls' \(2 components\)")
        # -11 is seL4_SysDebugHalt; its printf before did not fault (-9).
        g.expect(r"component halter faulted: UnknownSyscall -11 \(rip 0x4[0-9a-f]+\)")
        g.expect(r"init: halter reclaimed")
        g.expect(r"hello from component hello")
        g.expect(r"component hello exited with status 0")
        assert "seL4_DebugHalt: stopping the machine" not in g.output, g.tail()
        assert "this line goes nowhere" not in g.output, g.tail()
