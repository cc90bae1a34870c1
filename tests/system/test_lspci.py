# SPDX-License-Identifier: BSD-2-Clause
"""lspci in the shell of the default system: the shell asks init for the PCI
devices its broker found (KAAL_INIT_LABEL_PCI, one device per request) and
prints one lspci-style line per device, on both QEMU machine types."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from qemu_harness import Guest  # noqa: E402
from test_shell import boot_default, run  # noqa: E402

# "BB:DD.F Class name [CCSS]: VVVV:DDDD (rev RR, prog-if PP)..."
LINE = re.compile(r"^([0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) (.+?) \[([0-9a-f]{4})\]: "
                  r"([0-9a-f]{4}:[0-9a-f]{4}) \(rev [0-9a-f]{2}, prog-if [0-9a-f]{2}\)(.*)$")


def lspci(g):
    """Runs lspci; returns {bus:dev.fn: (class name, class, ids, rest)}."""
    out = run(g, "lspci")
    lines = out.split("\n")
    assert lines[0] == "lspci", repr(out)
    devices = {}
    for line in lines[1:]:
        m = LINE.match(line)
        assert m, "not an lspci line: %r\n%s" % (line, out)
        devices[m.group(1)] = m.groups()[1:]
    return devices, out


def assert_e1000(dev, out):
    assert dev is not None, "no e1000 in\n" + out
    name, cls, ids, rest = dev
    assert (name, cls, ids) == ("Ethernet controller", "0200", "8086:100e"), out
    # Its interrupt pin, its two BARs (where they are decoded, how big) and the
    # IRQ routed to an IOAPIC input.
    m = re.fullmatch(r", pin INTA line (\d+), BAR0 mem32 (0x[0-9a-f]+) size 0x20000, "
                     r"BAR1 io (0x[0-9a-f]+) size 0x40, IRQ (\d+) -> gsi \d+ level \w+", rest)
    assert m, "e1000 resources: %r" % rest
    assert m.group(1) == m.group(4), rest
    assert int(m.group(2), 16) % 0x20000 == 0 and int(m.group(2), 16) != 0, rest


def test_lspci_on_pc_lists_the_i440fx_host_bridge_and_the_e1000(build):
    with boot_default(build, ["-M", "pc"]) as g:
        devices, out = lspci(g)
        assert devices.get("00:00.0", ())[:3] == ("Host bridge", "0600", "8086:1237"), out
        assert devices.get("00:01.1", ())[:3] == ("IDE interface", "0101", "8086:7010"), out
        assert "prog-if 80" in out, out   # the PIIX3 IDE's programming interface
        assert_e1000(devices.get("00:03.0"), out)  # QEMU's default NIC on pc
        assert "isa" not in out and "com1" not in out, out  # PCI devices only
        assert run(g, "echo after").endswith("after"), g.tail()


def test_lspci_on_q35_lists_the_host_bridge_an_added_e1000_and_msi(build):
    with boot_default(build, ["-M", "q35", "-device", "e1000"]) as g:
        devices, out = lspci(g)
        assert devices.get("00:00.0", ())[:3] == ("Host bridge", "0600", "8086:29c0"), out
        assert devices.get("00:1f.0", ())[:3] == ("ISA bridge", "0601", "8086:2918"), out
        e1000 = [d for d in devices.values() if d[2] == "8086:100e"]
        assert len(e1000) == 1, out
        assert_e1000(e1000[0], out)
        # q35's default NIC, an e1000e, has both MSI and MSI-X capabilities.
        e1000e = [d for d in devices.values() if d[2] == "8086:10d3"]
        assert len(e1000e) == 1 and e1000e[0][3].endswith(", MSI 1 vectors, MSI-X 5 vectors"), out
        # The AHCI controller's prog-if (01: AHCI 1.0).
        assert devices.get("00:1f.2", ())[:3] == ("SATA controller", "0106", "8086:2922"), out
        assert "prog-if 01), pin" in out, out


def test_init_answers_supervisor_requests_only_from_supervisors(build):
    # tests/system/supervisor/: the same probe as "nobody" (no config) and
    # as "boss" (supervisor = true) asks for ps, mem and PCI device 0 and
    # 1000; nobody also tries to kill boss and to power the machine off.
    with open(os.path.join(build, "systems", "supervisor.initrd")) as f:
        modules = f.read().strip().split(",")
    with Guest(os.path.join(build, "kernel", "kaal.elf32"), modules) as g:
        for what in ("ps", "mem", "pci", "pci past the end", "kill boss", "poweroff"):
            m = g.expect(r"probe nobody: %s -> (.*)\n" % re.escape(what))
            assert m.group(1) == "busy", "%s was not refused: %s\n%s" % (what, m.group(1),
                                                                        g.tail())
        g.expect(r"component nobody exited with status 0")
        g.expect(r"probe boss: ps -> success\n")
        g.expect(r"probe boss: mem -> success\n")
        g.expect(r"probe boss: pci -> success \(\d+ PCI devices, first 8086:1237\)\n")
        g.expect(r"probe boss: pci past the end -> not found\n")
        g.expect(r"component boss exited with status 0")
