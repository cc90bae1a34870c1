# SPDX-License-Identifier: BSD-2-Clause
"""Components from a system description (tests/system/systems/lifecycle.toml):
init loads each from its boot module into its own VSpace and CSpace and
starts it; a component that exits is reclaimed; one that faults is
reported, reclaimed and restarted up to its limit, and every reclaim gives
all of its memory back."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from qemu_harness import Guest  # noqa: E402


def boot_system(build, name, extra=()):
    with open(os.path.join(build, "systems", name + ".initrd")) as f:
        modules = f.read().strip().split(",")
    return Guest(os.path.join(build, "kernel", "kaal.elf32"), modules, extra=extra)


def test_component_runs_in_its_own_space_and_exit_is_reported(build):
    with boot_system(build, "lifecycle") as g:
        g.expect(r"init: starting system 'lifecycle' \(2 components\)")
        g.expect(r"hello from component hello \(heap 4096 KiB\)")
        g.expect(r"component hello exited with status 0")
        assert "not started" not in g.output, g.tail()


def test_crashing_component_is_restarted_until_its_limit_with_memory_reclaimed(build):
    with boot_system(build, "lifecycle") as g:
        for n in range(1, 101):
            g.expect(r"component crasher faulted: VMFault at 0x0 \(rip 0x4[0-9a-f]+\)", timeout=60)
            g.expect(r"init: restarting crasher \(%d of 100\)" % n, timeout=60)
        g.expect(r"init: crasher reached its restart limit \(100\): stays stopped", timeout=60)
        g.expect(r"no runnable threads: idle")
        free = set(re.findall(r"init: crasher reclaimed, (\d+) KiB", g.output))
        assert len(free) == 1, "free memory after each reclaim differs: %s" % sorted(free)
        assert "KERNEL FAULT" not in g.output, g.tail()


def boot_with_hello_replaced(build, tmp, data, patch_description):
    """Boots the lifecycle system with hello's boot module replaced by data;
    if patch_description, the description's size and CRC-32 for that module
    are made to match (as if the system had been built with it)."""
    import struct
    import zlib
    with open(os.path.join(build, "systems", "lifecycle.initrd")) as f:
        modules = f.read().strip().split(",")
    hello = modules[2]
    assert hello.endswith("hello.elf"), modules
    with open(hello, "rb") as f:
        good = f.read()
    bad_path = os.path.join(tmp, "hello.elf")
    with open(bad_path, "wb") as f:
        f.write(data)
    modules[2] = bad_path
    if patch_description:
        with open(modules[1], "rb") as f:
            blob = bytearray(f.read())
        old = struct.pack("<II", len(good), zlib.crc32(good))
        assert blob.count(old) == 1, "hello's module record not found"
        at = blob.index(old)
        blob[at:at + 8] = struct.pack("<II", len(data), zlib.crc32(data))
        blob[12:16] = bytes(4)                       # header CRC over the blob with it zero
        struct.pack_into("<I", blob, 12, zlib.crc32(blob))
        modules[1] = os.path.join(tmp, "lifecycle.ksys")
        with open(modules[1], "wb") as f:
            f.write(blob)
    return Guest(os.path.join(build, "kernel", "kaal.elf32"), modules)


def test_a_bad_component_elf_is_reported_and_the_others_start(build):
    import tempfile
    with open(os.path.join(build, "guest", "bin", "hello.elf"), "rb") as f:
        good = f.read()
    not_elf = b"this is not an ELF file\n" * 64
    wrong_machine = good[:18] + bytes([0xb7, 0x00]) + good[20:]   # EM_AARCH64
    cases = [
        (not_elf, True, r"not an ELF file|bad magic"),
        (wrong_machine, True, r"machine|x86"),
        (good[:-1] + bytes([good[-1] ^ 0xff]), False, r"does not match the description"),
    ]
    for data, patch, why in cases:
        with tempfile.TemporaryDirectory() as tmp, \
                boot_with_hello_replaced(build, tmp, data, patch) as g:
            m = g.expect(r"init: component hello not started: ([^\n]*)\n")
            assert re.search(why, m.group(1), re.I), m.group(0)
            # The rest of the system boots: crasher runs (and faults, as it does).
            g.expect(r"component crasher faulted: VMFault")
            assert "hello from component hello" not in g.output, g.tail()
            assert "KERNEL FAULT" not in g.output, g.tail()


def test_pingpong_components_talk_over_endpoint_rpc(build):
    with boot_system(build, "pingpong") as g:
        g.expect(r"pong: serving \(first client badge 1\)")
        g.expect(r"ping: 1000 calls answered correctly, round trip median \d+ cycles\n")
        g.expect(r"component ping exited with status 0")
        assert "faulted" not in g.output, g.tail()


def test_component_uses_its_device_caps_for_ports_and_interrupt(build):
    # A second serial port for QEMU: COM2, which system.toml grants the probe.
    with boot_system(build, "serialprobe", extra=["-serial", "null"]) as g:
        g.expect(r"probe: LSR 0x60 \(error 0\)")
        # COM1 is outside the cap's range: seL4_IllegalOperation.
        g.expect(r"probe: COM1 through COM2's cap: error 3\n")
        g.expect(r"probe: IRQ 3 arrived \(IIR 0x2\)")
        g.expect(r"component probe exited with status 0")
