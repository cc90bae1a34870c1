// SPDX-License-Identifier: BSD-2-Clause
/*
 * e1000probe: a DDDK driver for the Intel 8254x (QEMU's e1000, 8086:100e)
 * that proves a PCI device grant end to end. system.toml grants
 * `devices = ["e1000"]` and `dma = "64KiB"`; init maps BAR0 (the register
 * block, uncached) at KAAL_DEV_E1000_BAR0_VADDR, hands over BAR1's ports and
 * the INTx IRQ handler, and makes the DMA region; the DDDK's seL4 platform
 * turns that into the bundle this driver declares.
 *
 * init: reads STATUS and the MAC address from receive address 0 (RAL0/RAH0,
 * which the NIC loads from its EEPROM at reset), tries its I/O BAR cap,
 * reports the DMA region and checks the physical addresses init reported
 * against the frame caps, then
 * unmasks the link-status-change cause (IMS) and raises it by software
 * (ICS). irq: reads ICR (which clears the cause and drops the level
 * line), reports it, masks everything and exits 0: init reclaims the
 * component (and, by its restart policy, starts it again).
 */
#include <kaal/dddk_sel4.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <kaal/sysdesc.h>

#include "e1000probe_caps.h"

/* 8254x registers (Intel 8254x SDM, section 13) and cause bits. */
#define E1000_STATUS 0x0008
#define E1000_ICR 0x00c0
#define E1000_ICS 0x00c8
#define E1000_IMS 0x00d0
#define E1000_IMC 0x00d8
#define E1000_RAL0 0x5400
#define E1000_RAH0 0x5404
#define E1000_RAH_AV (1u << 31)
#define E1000_ICR_LSC (1u << 2)
#define E1000_STATUS_LU (1u << 1)

#define DMA_BYTES 65536

static uint32_t reg_read(kaal_dddk_device_t *dev, uint32_t off)
{
    return *(volatile uint32_t *)((volatile uint8_t *)kaal_dddk_mmio(dev, 0) + off);
}

static void reg_write(kaal_dddk_device_t *dev, uint32_t off, uint32_t value)
{
    *(volatile uint32_t *)((volatile uint8_t *)kaal_dddk_mmio(dev, 0) + off) = value;
}

static kaal_error_t probe_init(kaal_dddk_device_t *dev)
{
    uint32_t status = reg_read(dev, E1000_STATUS);
    uint32_t ral = reg_read(dev, E1000_RAL0), rah = reg_read(dev, E1000_RAH0);
    const kaal_bundle_t *b = &dev->bundle;
    printf("e1000probe: %02x:%02x.%x BAR0 %p size %#lx, BAR1 ports %#x+%u, IRQ gsi %u\n",
           b->device->pci.bus, b->device->pci.dev, b->device->pci.fn, (void *)b->mmio[0].paddr,
           (unsigned long)b->mmio[0].size_bytes, b->io[0].base, b->io[0].n_ports,
           (unsigned)b->irq.gsi);
    printf("e1000probe: STATUS %#x (link %s)\n", status,
           (status & E1000_STATUS_LU) ? "up" : "down");
    printf("e1000probe: MAC %02x:%02x:%02x:%02x:%02x:%02x%s\n", ral & 0xff, (ral >> 8) & 0xff,
           (ral >> 16) & 0xff, ral >> 24, rah & 0xff, (rah >> 8) & 0xff,
           (rah & E1000_RAH_AV) ? "" : " (not valid)");
    /* The frame caps init placed in our CNode say where the memory is. */
    seL4_X86_Page_GetAddress_t bar = seL4_X86_Page_GetAddress(KAAL_CAP_E1000_BAR0);
    seL4_X86_Page_GetAddress_t dma = seL4_X86_Page_GetAddress(KAAL_CAP_DMA);
    printf("e1000probe: BAR0 frame cap %s the BAR\n",
           !bar.error && bar.paddr == b->mmio[0].paddr ? "matches" : "does NOT match");
    /* The I/O BAR's cap covers exactly its ports (QEMU's e1000 implements
     * no IOADDR/IODATA registers, so what the port reads is not checked). */
    kaal_dddk_io_t *io = kaal_dddk_io(dev, 0);
    seL4_X86_IOPort_In32_t in = seL4_X86_IOPort_In32(KAAL_CAP_E1000_BAR1, io->base);
    seL4_X86_IOPort_In32_t past =
        seL4_X86_IOPort_In32(KAAL_CAP_E1000_BAR1, (uint16_t)(io->base + io->n_ports));
    printf("e1000probe: I/O BAR port read error %d, past the BAR error %d\n", in.error,
           past.error);
    volatile uint8_t *mem = dev->dma.vaddr;
    for (uint64_t i = 0; i < dev->dma.size_bytes; i += 4096)
        mem[i] = (uint8_t)(i >> 12);
    printf("e1000probe: DMA %lu KiB at paddr %p (vaddr %p), frame cap %s, "
           "contiguous block aligned %s\n",
           (unsigned long)(dev->dma.size_bytes >> 10), (void *)dev->dma.paddr, dev->dma.vaddr,
           !dma.error && dma.paddr == dev->dma.paddr ? "matches" : "does NOT match",
           dev->dma.paddr % DMA_BYTES == 0 ? "yes" : "no");
    reg_write(dev, E1000_IMC, 0xffffffffu);
    (void)reg_read(dev, E1000_ICR); /* drop anything pending from reset */
    reg_write(dev, E1000_IMS, E1000_ICR_LSC);
    reg_write(dev, E1000_ICS, E1000_ICR_LSC); /* a link-status interrupt, by software */
    return KAAL_OK;
}

static void probe_irq(kaal_dddk_device_t *dev)
{
    uint32_t icr = reg_read(dev, E1000_ICR); /* read-to-clear: the line drops */
    printf("e1000probe: interrupt on gsi %u, ICR %#x\n", (unsigned)dev->bundle.irq.gsi, icr);
    if (!(icr & E1000_ICR_LSC))
        return;
    reg_write(dev, E1000_IMC, 0xffffffffu);
    seL4_IRQHandler_Ack(KAAL_CAP_E1000_IRQ);
    kaal_exit(0);
}

KAAL_DRIVER(e1000probe, .name = "e1000probe",
            .match = KAAL_DDDK_MATCH_PCI(KAAL_DEV_E1000_PCI_VENDOR, KAAL_DEV_E1000_PCI_DEVICE),
            .resources = {.n_io = 1, .io_ports = {8}, .mmio_bars = 1u << 0, .irq = true,
                          .dma_bytes = DMA_BYTES},
            .ops = {.init = probe_init, .irq = probe_irq});

static kaal_dddk_sel4_t cfg = {
    .pci_vendor = KAAL_DEV_E1000_PCI_VENDOR,
    .pci_device = KAAL_DEV_E1000_PCI_DEVICE,
    .pci_io_caps = {[1] = KAAL_CAP_E1000_BAR1},
    .irq_handler = KAAL_CAP_E1000_IRQ,
    .events = KAAL_CAP_EVENTS,
    .cnode = KAAL_SYSDESC_SLOT_CNODE,
    .free_slot = KAAL_COMPONENT_FIRST_FREE_SLOT,
};

int main(void)
{
    return kaal_dddk_sel4_run(&cfg, "e1000probe", "e1000probe");
}
