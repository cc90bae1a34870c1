// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio_blk: the virtio-blk driver component. The DDDK descriptor and its
 * ops over vblk.c: init finds the virtio 1.x register windows in the start
 * record's config snapshot (as drivers/virtio-net does) and brings the
 * device up; rpc serves blk_rpc.h, one request per call, the data where
 * the client put it in the `io` region (DMA memory: `dma = true`, its
 * physical address from the start record). A request is waited for by
 * yielding until its used entry appears (bounded); irq only reads the ISR,
 * which lowers the INTx line.
 */
#include <kaal/dddk_sel4.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <kaal/sysdesc.h>

#include "blk_rpc.h"
#include "vblk.h"
#include "virtio_blk_caps.h"

static vblk_t blk;
static kaal_virtio_t virtio;
static kaal_virtio_mmio_t mmio;
static uint64_t io_paddr;
static bool running;

static kaal_dddk_sel4_t cfg = {
    .pci_vendor = KAAL_DEV_VIRTIO_BLK_PCI_VENDOR,
    .pci_device = KAAL_DEV_VIRTIO_BLK_PCI_DEVICE,
    .irq_handler = KAAL_CAP_VIRTIO_BLK_IRQ,
    .events = KAAL_CAP_EVENTS,
    .rpc_ep = KAAL_CAP_BLK,
    .tcb = KAAL_SYSDESC_SLOT_TCB,
    .cnode = KAAL_SYSDESC_SLOT_CNODE,
    .free_slot = KAAL_COMPONENT_FIRST_FREE_SLOT,
};

static void yield(void *ctx)
{
    (void)ctx;
    seL4_Yield();
}

static kaal_error_t blk_init_op(kaal_dddk_device_t *dev)
{
    const kaal_component_pci_t *pci = cfg.pci;
    kaal_virtio_pci_caps_t caps;
    kaal_virtio_caps_ret_t c = kaal_virtio_pci_find_caps(pci->config, &caps);
    if (c.err) {
        printf("virtio-blk: refused: %s\n", c.why);
        return c.err;
    }
    volatile void *bar_vaddr[6] = {0};
    uint64_t bar_size[6] = {0};
    for (unsigned i = 0; i < 6; i++) {
        bar_vaddr[i] = (volatile void *)(uintptr_t)pci->bar_vaddr[i];
        bar_size[i] = pci->bar_vaddr[i] ? pci->bar_size[i] : 0;
    }
    kaal_error_t err = kaal_virtio_init_mmio(&virtio, &mmio, &caps, bar_vaddr, bar_size);
    const kaal_component_ring_t *io = kaal_component_ring("io");
    if (err || io == NULL || io->data_paddr == 0) {
        printf("virtio-blk: refused: %s\n", err ? virtio.why : "the io region is not DMA memory");
        return err ? err : KAAL_ENOENT;
    }
    io_paddr = io->data_paddr;
    const char *why;
    err = vblk_start(&blk, &virtio, dev->dma.vaddr, dev->dma.paddr, dev->dma.size_bytes, yield,
                     NULL, &why);
    if (err) {
        printf("virtio-blk: device not started: %s\n", why);
        return err;
    }
    printf("virtio-blk: %lu sectors of 512 bytes, flush %s\n", (unsigned long)blk.capacity_sectors,
           (virtio.features & VBLK_F_FLUSH) ? "supported" : "not supported");
    running = true;
    return KAAL_OK;
}

static void blk_irq_op(kaal_dddk_device_t *dev)
{
    (void)dev;
    if (running)
        (void)kaal_virtio_isr(&virtio);
}

static kaal_error_t blk_rpc_op(kaal_dddk_device_t *dev, uint64_t badge, const kaal_dddk_msg_t *req,
                               kaal_dddk_msg_t *reply)
{
    (void)dev;
    if (badge == KAAL_RPC_BADGE_INIT)
        return KAAL_OK;
    if (!running)
        return KAAL_EIO;
    if (req->label == VBLK_RPC_INFO) {
        reply->n_words = 1;
        reply->words[0] = blk.capacity_sectors;
        return KAAL_OK;
    }
    if (req->label == VBLK_RPC_FLUSH)
        return vblk_request(&blk, VBLK_T_FLUSH, 0, 0, 0);
    if (req->label != VBLK_RPC_READ && req->label != VBLK_RPC_WRITE)
        return KAAL_ENOSYS;
    if (req->n_words < 3)
        return KAAL_EINVAL;
    uint64_t sector = req->words[0], n = req->words[1], off = req->words[2];
    if (n == 0 || n > KAAL_RING_IO_DATA_SIZE_BYTES / VBLK_SECTOR_BYTES ||
        off > KAAL_RING_IO_DATA_SIZE_BYTES - n * VBLK_SECTOR_BYTES)
        return KAAL_ERANGE;
    return vblk_request(&blk, req->label == VBLK_RPC_READ ? VBLK_T_IN : VBLK_T_OUT, sector,
                        (uint32_t)n, io_paddr + off);
}

KAAL_DRIVER(virtio_blk, .name = "virtio-blk",
            .match = KAAL_DDDK_MATCH_PCI(KAAL_DEV_VIRTIO_BLK_PCI_VENDOR,
                                         KAAL_DEV_VIRTIO_BLK_PCI_DEVICE),
            .resources = {.mmio_bars = 1u << 4, .irq = true, .dma_bytes = KAAL_DMA_SIZE_BYTES},
            .ops = {.init = blk_init_op, .irq = blk_irq_op, .rpc = blk_rpc_op});

int main(void)
{
    return kaal_dddk_sel4_run(&cfg, "virtio-blk", "virtio-blk");
}
