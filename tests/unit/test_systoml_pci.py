# SPDX-License-Identifier: BSD-2-Clause
"""system.toml PCI device grants and DMA regions (tools/systoml): what the
compiler makes of `devices = ["e1000"]` and `dma = "64KiB"` (one record per
BAR, the IRQ, the DMA region, each laid out in the component's address
space and named in its header), and the `system.toml:LINE:COL` errors."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from test_systoml import BASE, SystomlCase  # noqa: E402
from systoml import binfmt  # noqa: E402
from systoml.cheader import component_header  # noqa: E402


class TestPciGrantErrors(SystomlCase):
    def test_dma_without_a_pci_device_is_an_error_at_the_key(self):
        self.assertOneError(BASE + 'devices = ["serial0"]\ndma = "64KiB"\n',
                            "system.toml:12:1: error: dma given but component 'client' is "
                            "granted no PCI device (DMA is for a device: add one to devices, "
                            "e.g. \"e1000\")")

    def test_dma_size_not_a_page_multiple_is_an_error_at_the_value(self):
        self.assertOneError(BASE + 'devices = ["e1000"]\ndma = "1000"\n',
                            "system.toml:12:7: error: dma 1000 is not a multiple of the page "
                            "size (4096 bytes); expected e.g. 4096")

    def test_dma_size_that_is_not_a_size_is_an_error(self):
        self.assertOneError(BASE + 'devices = ["e1000"]\ndma = "lots"\n',
                            "system.toml:12:7: error: 'dma' must be a size in bytes (an integer "
                            "or a string like \"64KiB\"), not 'lots'")

    def test_dma_larger_than_one_contiguous_block_allows_is_an_error(self):
        self.assertOneError(BASE + 'devices = ["e1000"]\ndma = "32MiB"\n',
                            "system.toml:12:7: error: dma 33554432 is too large (limit 16 MiB: "
                            "it is one physically contiguous block)")

    def test_one_pci_device_granted_to_two_components_is_an_error(self):
        text = BASE.replace('binary = "server.elf"\n',
                            'binary = "server.elf"\ndevices = ["e1000"]\n')
        self.assertOneError(text + 'devices = ["e1000"]\n',
                            "system.toml:12:12: error: PCI device 'e1000' is already granted to "
                            "component 'server' (at line 7); a device has one driver")

    def test_a_cap_named_like_a_bar_clashes_with_the_device_grant(self):
        self.assertOneError(BASE + 'devices = ["e1000"]\n[[component.cap]]\n'
                            'name = "e1000_bar0"\nkind = "notification"\n',
                            "system.toml:13:8: error: name 'e1000_bar0' in component 'client' "
                            "gives the same C name KAAL_CAP_E1000_BAR0 as device 'e1000' at "
                            "line 11")


class TestPciGrantLayout(SystomlCase):
    def test_e1000_grant_has_bar_records_irq_and_dma_in_the_blob_and_header(self):
        system = self.compiles(BASE + 'devices = ["e1000"]\ndma = "64KiB"\n')
        comp = system.components[1]
        desc = binfmt.decode(binfmt.encode(system))
        caps = {c["name"]: c for c in desc["components"][1]["caps"]}
        self.assertEqual(sorted(caps), ["dma", "e1000.bar0", "e1000.bar1", "e1000.irq"])
        bar0, bar1, irq, dma = (caps[n] for n in ("e1000.bar0", "e1000.bar1", "e1000.irq",
                                                  "dma"))
        self.assertEqual((bar0["kind"], bar0["arg0"]),
                         ("pci_mmio", 0x8086100E | 0 << 32 | 17 << 40))   # 128 KiB window
        self.assertEqual((bar1["kind"], bar1["arg0"], bar1["arg1"]),
                         ("pci_ioport", 0x8086100E | 1 << 32, 0x40))
        self.assertEqual((irq["kind"], irq["arg0"]), ("pci_irq", 0x8086100E))
        self.assertEqual((dma["kind"], dma["arg0"]), ("dma", 65536))
        # The BAR window and the DMA region: page aligned, disjoint, apart
        # from heap, stack and each other (a guard page between).
        b0, d0 = bar0["arg1"], dma["arg1"]
        self.assertEqual((b0 % 4096, d0 % 4096), (0, 0))
        self.assertGreaterEqual(d0, b0 + 0x20000 + 4096)
        self.assertFalse(comp.heap_vaddr < b0 + 0x20000 and b0 < comp.heap_vaddr + comp.heap_size)
        header = component_header(system, comp, "system.toml")
        for line in ("#define KAAL_DEV_E1000_BAR0_VADDR 0x%xull" % b0,
                     "#define KAAL_DEV_E1000_BAR0_SIZE 131072",
                     "#define KAAL_DEV_E1000_BAR1_PORT_COUNT_MAX 64",
                     "#define KAAL_CAP_E1000_IRQ %d" % irq["slot"],
                     "#define KAAL_DMA_VADDR 0x%xull" % d0,
                     "#define KAAL_DMA_SIZE_BYTES 65536"):
            self.assertIn(line, header)

    def test_isa_grants_are_unchanged_by_pci_support(self):
        system = self.compiles(BASE + 'devices = ["serial0"]\n')
        desc = binfmt.decode(binfmt.encode(system))
        kinds = {c["name"]: c["kind"] for c in desc["components"][1]["caps"]}
        self.assertEqual(kinds, {"serial0.ioport": "ioport", "serial0.irq": "irq"})


if __name__ == "__main__":
    unittest.main()
