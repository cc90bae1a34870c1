# SPDX-License-Identifier: BSD-2-Clause
"""Device discovery in init: ACPI tables, PCI (ECAM or ports), QEMU's ISA
devices, on both QEMU machine types, with a NIC added on the command line."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from qemu_harness import Guest  # noqa: E402


def boot(build, machine, extra=()):
    kernel = os.path.join(build, "kernel", "kaal.elf32")
    init = os.path.join(build, "guest", "bin", "init.elf")
    return Guest(kernel, [init], extra=["-M", machine] + list(extra))


def expect_isa_devices(g):
    g.expect(r"isa com1\n\s+io 0x3f8 size 0x8\n\s+IRQ 4 -> gsi 4 edge high")
    g.expect(r"isa com2\n\s+io 0x2f8 size 0x8\n\s+IRQ 3 -> gsi 3 edge high")
    g.expect(r"isa pit\n\s+io 0x40 size 0x4\n\s+IRQ 0 -> gsi 2 edge high")
    g.expect(r"isa debug-exit\n\s+io 0xf4 size 0x4")


def test_q35_acpi_and_pci_through_ecam_list_the_added_nic(build):
    with boot(build, "q35", ["-device", "e1000"]) as g:
        g.expect(r"acpi: RSDP 0x[0-9a-f]+ rev \d+")
        g.expect(r"acpi: MADT lapic 0xfee00000, 1 cpus")
        g.expect(r"acpi:\s+ioapic 0 at 0xfec00000 gsi base 0")
        g.expect(r"acpi:\s+irq 0 -> gsi 2")
        g.expect(r"acpi: FADT sci 9 pm1a_evt io 0x600 pm1a_cnt io 0x604")
        g.expect(r"acpi: MCFG segment 0 buses 0-255 ECAM 0xb0000000")
        g.expect(r"acpi: 0 warnings")
        g.expect(r"00:00\.0 8086:29c0 \[0600\] Host bridge")
        # The e1000's BARs, placed by the broker when firmware left them unset.
        m = g.expect(r"00:03\.0 8086:100e \[0200\] Ethernet controller \(rev 03\)\n"
                     r"\s+pin INTA line \d+\n"
                     r"\s+BAR0 mem32 (0x[0-9a-f]+) size 0x20000\n"
                     r"\s+BAR1 io (0x[0-9a-f]+) size 0x40\n")
        assert int(m.group(1), 16) % 0x20000 == 0 and int(m.group(2), 16) % 0x40 == 0, m.group(0)
        g.expect(r"00:1f\.0 8086:2918 \[0601\] ISA bridge")
        expect_isa_devices(g)
        g.expect(r"exit status 0")
        assert g.wait_exit() == 0, g.tail()


def test_pc_acpi_pci_through_ports_and_isa_devices_are_listed(build):
    with boot(build, "pc", ["-device", "e1000"]) as g:
        g.expect(r"acpi: RSDP 0x[0-9a-f]+ rev \d+")
        g.expect(r"acpi: MADT lapic 0xfee00000, 1 cpus")
        g.expect(r"acpi:\s+irq 0 -> gsi 2")
        g.expect(r"acpi: 0 warnings")
        # No ECAM on i440fx: init reaches config space through ports 0xcf8/0xcfc.
        g.expect(r"00:00\.0 8086:1237 \[0600\] Host bridge")
        g.expect(r"00:01\.0 8086:7000 \[0601\] ISA bridge")
        m = g.expect(r"00:04\.0 8086:100e \[0200\] Ethernet controller \(rev 03\)\n"
                     r"\s+pin INTA line \d+\n"
                     r"\s+BAR0 mem32 (0x[0-9a-f]+) size 0x20000\n"
                     r"\s+BAR1 io (0x[0-9a-f]+) size 0x40\n")
        assert int(m.group(1), 16) % 0x20000 == 0, m.group(0)
        expect_isa_devices(g)
        g.expect(r"exit status 0")
        assert "acpi: MCFG" not in g.output  # i440fx has no ECAM
        assert g.wait_exit() == 0, g.tail()
