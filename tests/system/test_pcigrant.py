# SPDX-License-Identifier: BSD-2-Clause
"""PCI device grants end to end (drivers/e1000probe): system.toml grants the
e1000 and a DMA region; init maps the BAR, issues the I/O BAR and INTx caps
and makes the DMA region; the DDDK driver reads the NIC's registers through
the mapping, takes an interrupt it raised by software (ICS) and exits; init
reclaims everything and starts it again (restart = "always", 3 times)."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from qemu_harness import Guest  # noqa: E402

QEMU_MAC = "52:54:00:12:34:56"  # QEMU's first NIC


def boot(build, extra):
    with open(os.path.join(build, "systems", "e1000probe.initrd")) as f:
        modules = f.read().strip().split(",")
    return Guest(os.path.join(build, "kernel", "kaal.elf32"), modules, extra=extra)


def expect_registers_and_dma(g):
    m = g.expect(r"e1000probe: 00:0[0-9a-f]\.0 BAR0 (0x[0-9a-f]+) size 0x20000, "
                 r"BAR1 ports (0x[0-9a-f]+)\+64, IRQ gsi (\d+)\n")
    # Link up (bit 1), full duplex (bit 0): what QEMU's e1000 reports.
    s = g.expect(r"e1000probe: STATUS (0x[0-9a-f]+) \(link up\)\n")
    assert int(s.group(1), 16) & 3 == 3, s.group(0)
    g.expect(r"e1000probe: MAC %s\n" % QEMU_MAC)
    g.expect(r"e1000probe: BAR0 frame cap matches the BAR\n")
    # Inside the BAR: allowed (0); one port past it: seL4_IllegalOperation (3).
    g.expect(r"e1000probe: I/O BAR port read error 0, past the BAR error 3\n")
    d = g.expect(r"e1000probe: DMA 64 KiB at paddr (0x[0-9a-f]+) \(vaddr 0x[0-9a-f]+\), "
                 r"frame cap matches, contiguous block aligned yes\n")
    assert int(d.group(1), 16) % 65536 == 0, d.group(0)
    return m


def test_pc_e1000_grant_gives_mmio_mac_dma_and_interrupt_and_restarts_reclaim_all(build):
    # -M pc: QEMU's default NIC is an e1000; its INTx reaches the IOAPIC at
    # the line PIIX3 routes it to (the broker's routing).
    with boot(build, ["-M", "pc"]) as g:
        for n in range(1, 4):
            m = expect_registers_and_dma(g)
            g.expect(r"e1000probe: interrupt on gsi %s, ICR 0x4\n" % m.group(3))
            g.expect(r"component e1000probe exited with status 0")
            g.expect(r"init: restarting e1000probe \(%d of 3\)" % n)
        expect_registers_and_dma(g)
        g.expect(r"e1000probe: interrupt on gsi \d+, ICR 0x4\n")
        g.expect(r"init: e1000probe reached its restart limit \(3\): stays stopped")
        free = re.findall(r"init: e1000probe reclaimed, (\d+) KiB", g.output)
        assert len(free) == 4 and len(set(free)) == 1, "free memory differs: %s" % free
        # The same frames each time: the device untyped and RAM went back.
        dma = set(re.findall(r"DMA 64 KiB at paddr (0x[0-9a-f]+)", g.output))
        assert len(dma) == 1, dma
        assert "not started" not in g.output and "faulted" not in g.output, g.tail()


def test_q35_e1000_grant_through_ecam_with_intx_on_ioapic_input_20_to_23(build):
    # q35's default NIC is an e1000e: none, and one e1000 instead. The ICH9
    # wires slot s pin p to PIRQ 4 + (s + p - 1) % 4, i.e. IOAPIC input 16 + that.
    with boot(build, ["-M", "q35", "-nic", "none", "-device", "e1000"]) as g:
        m = expect_registers_and_dma(g)
        slot = int(re.search(r"e1000probe: 00:(0[0-9a-f])\.0", m.group(0)).group(1), 16)
        gsi = 16 + 4 + slot % 4
        assert int(m.group(3)) == gsi, m.group(0)
        g.expect(r"e1000probe: interrupt on gsi %d, ICR 0x4\n" % gsi)
        g.expect(r"component e1000probe exited with status 0")
        assert "not started" not in g.output, g.tail()


def test_without_the_device_the_component_is_not_started_and_the_rest_boots(build):
    with boot(build, ["-M", "pc", "-nic", "none"]) as g:
        g.expect(r"init: component e1000probe not started: its PCI device is not in this "
                 r"machine")
        g.expect(r"no runnable threads: idle")
