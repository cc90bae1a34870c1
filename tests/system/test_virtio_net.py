# SPDX-License-Identifier: BSD-2-Clause
"""The virtio-net driver (drivers/virtio-net) end to end without a net
server: apps/netprobe, wired to the driver's netdev ends, reads the MAC
over ctl, resolves QEMU user networking's gateway 10.0.2.2 by ARP and pings
it; every frame went through the rx/tx rings whose buffers the device
reads and writes directly (DMA ring regions). The machine comes from
apps/netprobe/system.toml's [machine] table (-nic user,model=virtio-net-pci).
Also: q35 (ECAM, INTx on PIRQ E-H), no NIC, a legacy-only device."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from qemu_harness import system_args, system_guest  # noqa: E402

QEMU_MAC = "52:54:00:12:34:56"   # QEMU's first NIC
SLIRP_MAC = "52:55:0a:00:02:02"  # user networking's gateway (10.0.2.2)


def expect_arp_and_ping(g):
    g.expect(r"virtio-net: MAC %s, link up, 128 rx buffers" % QEMU_MAC)
    g.expect(r"netprobe: MAC %s, link up, MTU 1500\n" % QEMU_MAC)
    g.expect(r"netprobe: ARP reply: 10.0.2.2 is at %s\n" % SLIRP_MAC, timeout=60)
    g.expect(r"netprobe: ICMP echo reply from 10.0.2.2: id 0x4b41 seq 1, TTL \d+, "
             r"payload intact\n", timeout=60)
    g.expect(r"netprobe: done")
    g.expect(r"component netprobe exited with status 0")
    assert "not started" not in g.output and "faulted" not in g.output, g.tail()
    assert "data path stops" not in g.output and "driver stopped" not in g.output, g.tail()


def test_the_system_asks_for_a_virtio_nic_on_user_networking(build):
    assert system_args(build, "netprobe") == ["-nic", "user,model=virtio-net-pci"]


def test_pc_arp_and_ping_of_the_gateway_through_the_driver(build):
    with system_guest(build, "netprobe", ["-M", "pc"]) as g:
        expect_arp_and_ping(g)


def test_q35_arp_and_ping_through_ecam_and_pirq_routed_intx(build):
    with system_guest(build, "netprobe", ["-M", "q35"]) as g:
        m = g.expect(r"virtio-net: 00:(0[0-9a-f])\.0, IRQ gsi (\d+)\n")
        slot = int(m.group(1), 16)
        assert int(m.group(2)) == 16 + 4 + slot % 4, m.group(0)
        expect_arp_and_ping(g)


def test_without_a_nic_the_driver_is_not_started_and_the_rest_boots(build):
    with system_guest(build, "netprobe", ["-M", "pc", "-nic", "none"], machine=False) as g:
        g.expect(r"init: component virtio_net not started: its PCI device is not in this "
                 r"machine")
        g.expect(r"netprobe: ctl: the NIC driver is not running \(no NIC\?\)")
        g.expect(r"component netprobe exited with status 1")
        g.expect(r"no runnable threads: idle")


def test_a_legacy_only_virtio_device_is_refused(build):
    # disable-modern: no virtio 1.x capabilities and no BAR 4 to find them in.
    with system_guest(build, "netprobe", ["-M", "pc", "-nic", "none", "-netdev", "user,id=n0",
                                          "-device", "virtio-net-pci,netdev=n0,"
                                          "disable-modern=on"], machine=False) as g:
        g.expect(r"init: component virtio_net not started: its device has no such memory BAR")
        g.expect(r"netprobe: ctl: the NIC driver is not running")
        g.expect(r"no runnable threads: idle")
        assert not re.search(r"virtio-net: MAC", g.output), g.tail()
