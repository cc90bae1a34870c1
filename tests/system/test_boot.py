# SPDX-License-Identifier: BSD-2-Clause
"""Boot: the kernel comes up, the ring-3 root task greets the world and reads
its bootinfo; user faults are reported without taking the kernel down; kernel
faults and bad boot images are reported and stop the machine with a failure."""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from qemu_harness import Guest  # noqa: E402

EXIT_SUCCESS = 0
EXIT_KERNEL_FAULT = 0x7F
EXIT_BOOT_ERROR = 0x7E


def kernel(build):
    return os.path.join(build, "kernel", "kaal.elf32")


def guest_bin(build, name):
    return os.path.join(build, "guest", "bin", name + ".elf")


def test_boot_reaches_hello_world_from_ring3_and_halts_cleanly(build):
    with Guest(kernel(build), [guest_bin(build, "init")]) as g:
        g.expect(r"\[KaaL\] Booting\.\.\.")
        g.expect(r"\[KaaL\] memory map \(\d+ regions\):")
        g.expect(r"\[KaaL\] RAM: (5\d\d) MiB, 1 boot module")
        g.expect(r"Hello, World!")
        m = g.expect(r"bootinfo: (\d+) untypeds \((\d+) device\), (\d+) KiB free memory\n")
        n_untyped, n_device, free_kib = (int(x) for x in m.groups())
        assert n_untyped > n_device > 0, m.group(0)
        # 512 MiB guest: nearly all of it must reach user space as untyped.
        assert 480 * 1024 < free_kib < 512 * 1024, m.group(0)
        g.expect(r"exit status 0")
        status = g.wait_exit()
        assert status == EXIT_SUCCESS, "guest exit code %s, want 0\n%s" % (status, g.tail())


def test_bootinfo_layout_matches_seL4(build):
    with Guest(kernel(build), [guest_bin(build, "init")]) as g:
        m = g.expect(r"bootinfo: empty slots \[(\d+), (\d+)\), IPC buffer (0x[0-9a-f]+)\n")
        start, end, ipc = int(m.group(1)), int(m.group(2)), int(m.group(3), 16)
        assert 16 < start < end == 1 << 14, m.group(0)   # root CNode: 2^14 slots
        assert ipc % 4096 == 0, m.group(0)
        g.wait_exit()


def expect_user_fault_and_live_kernel(build, root, patterns):
    """The fault is reported, the thread stopped, and the kernel idles: QEMU
    neither exits nor reports a kernel fault for a while afterwards."""
    with Guest(kernel(build), [guest_bin(build, root)]) as g:
        g.expect(r"faulting root task")
        for p in patterns:
            g.expect(p)
        g.expect(r"thread '%s\.elf' has no fault handler: stopped" % root)
        g.expect(r"no runnable threads: idle")
        time.sleep(1.0)
        g._pump(0.1)
        assert g.status is None, "QEMU exited (status %s) after a user fault\n%s" % (g.status, g.tail())
        assert "KERNEL FAULT" not in g.output and "PANIC" not in g.output, g.tail()
        assert "did not stop the thread" not in g.output, g.tail()


def test_null_dereference_is_a_vmfault_not_a_kernel_crash(build):
    expect_user_fault_and_live_kernel(build, "fault-null", [
        r"VMFault at address 0x0 \(rip 0x4[0-9a-f]+, read not mapped\)"])


def test_invalid_opcode_is_a_user_exception(build):
    expect_user_fault_and_live_kernel(build, "fault-ud2", [
        r"UserException invalid opcode \(vector 6, code 0\) at rip 0x4[0-9a-f]+"])


def test_unknown_syscall_is_reported_with_its_number(build):
    expect_user_fault_and_live_kernel(build, "fault-syscall", [
        r"UnknownSyscall 1234 at rip 0x4[0-9a-f]+"])


def test_write_to_code_page_is_a_protection_fault(build):
    expect_user_fault_and_live_kernel(build, "fault-rodata", [
        r"VMFault at address 0x4[0-9a-f]+ \(rip 0x4[0-9a-f]+, write protection violation\)"])


def test_kernel_fault_prints_registers_and_backtrace_then_fails(build):
    with Guest(kernel(build), [guest_bin(build, "init")],
               extra=["-append", "kaal.test=kernel-fault"]) as g:
        g.expect(r"KERNEL FAULT: vector 14, error code 0x2")
        g.expect(r"rip 0xffffffff8[0-9a-f]+\s+cr2 0x10 ")
        g.expect(r"backtrace")
        g.expect(r"#\d+ 0xffffffff8[0-9a-f]+")
        status = g.wait_exit()
        assert status == EXIT_KERNEL_FAULT, "exit code %s, want %#x" % (status, EXIT_KERNEL_FAULT)
        assert "Hello, World!" not in g.output


def test_root_task_that_is_not_an_elf_is_refused(build):
    with tempfile.NamedTemporaryFile(suffix=".elf") as bogus:
        bogus.write(b"#!/bin/sh\necho this is not an ELF\n" * 10)
        bogus.flush()
        with Guest(kernel(build), [bogus.name]) as g:
            g.expect(r"boot failed: .*: not an ELF file \(bad magic\)")
            status = g.wait_exit()
            assert status == EXIT_BOOT_ERROR, "exit code %s, want %#x" % (status, EXIT_BOOT_ERROR)


def test_boot_without_root_task_says_how_to_pass_one(build):
    with Guest(kernel(build)) as g:
        g.expect(r"boot failed: root task: no boot module \(pass the root task ELF with -initrd\)")
        assert g.wait_exit() == EXIT_BOOT_ERROR


def test_boot_on_q35_machine_reaches_hello_world(build):
    with Guest(kernel(build), [guest_bin(build, "init")], extra=["-M", "q35"]) as g:
        g.expect(r"\[KaaL\] IOAPIC at 0xfec00000: 24 pins")
        g.expect(r"Hello, World!")
        g.expect(r"exit status 0")
        assert g.wait_exit() == EXIT_SUCCESS, g.tail()
