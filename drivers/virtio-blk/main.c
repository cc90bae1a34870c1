// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio_blk: the virtio-blk driver component. The DDDK descriptor and its
 * ops over vblk.c: init finds the virtio 1.x register windows in the start
 * record's config snapshot (as drivers/virtio-net does), attaches the
 * <kaal/blk.h> rings (the data region is DMA memory, `dma = true`, its
 * physical address from the start record) and brings the device up; irq
 * and signal run the data path; rpc answers ctl (KAAL_BLK_RPC_INFO).
 *
 * One thread: the events notification is bound to it and ctl is declared
 * `bound_notification = true`, so calls, the client's ring signals and the
 * INTx all arrive at one seL4_Recv (<kaal/dddk_sel4.h>).
 */
#include <kaal/blk.h>
#include <kaal/dddk_sel4.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <kaal/sysdesc.h>

#include "vblk.h"
#include "virtio_blk_caps.h"

static vblk_t blk;
static kaal_virtio_t virtio;
static kaal_virtio_mmio_t mmio;
static bool running;

static kaal_dddk_sel4_t cfg = {
    .pci_vendor = KAAL_DEV_VIRTIO_BLK_PCI_VENDOR,
    .pci_device = KAAL_DEV_VIRTIO_BLK_PCI_DEVICE,
    .irq_handler = KAAL_CAP_VIRTIO_BLK_IRQ,
    .events = KAAL_CAP_EVENTS,
    .rpc_ep = KAAL_CAP_CTL,
    .tcb = KAAL_SYSDESC_SLOT_TCB,
    .cnode = KAAL_SYSDESC_SLOT_CNODE,
    .free_slot = KAAL_COMPONENT_FIRST_FREE_SLOT,
};

static void wake(void *ctx)
{
    (void)ctx;
    seL4_Signal(KAAL_CAP_REQ);
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
    const kaal_component_ring_t *data = kaal_component_ring("data");
    if (err || data == NULL || data->data_paddr == 0 || kaal_component_ring("req") == NULL) {
        printf("virtio-blk: refused: %s\n",
               err ? virtio.why : "the req and data rings are not wired or not DMA memory");
        return err ? err : KAAL_ENOENT;
    }
    vblk_mem_t mem = {
        .dma = dev->dma.vaddr,
        .dma_paddr = dev->dma.paddr,
        .dma_bytes = dev->dma.size_bytes,
        .req_queues = (void *)KAAL_RING_REQ_QUEUE_VADDR,
        .req_data = (void *)KAAL_RING_REQ_DATA_VADDR,
        .req_data_bytes = KAAL_RING_REQ_DATA_SIZE_BYTES,
        .data = (void *)KAAL_RING_DATA_DATA_VADDR,
        .data_paddr = data->data_paddr,
        .data_bytes = KAAL_RING_DATA_DATA_SIZE_BYTES,
    };
    const char *why;
    err = vblk_start(&blk, &virtio, &mem, wake, NULL, &why);
    if (err) {
        printf("virtio-blk: device not started: %s\n", why);
        return err;
    }
    const kaal_blk_info_t *in = &blk.info;
    printf("virtio-blk: %lu sectors of 512 bytes, block %u bytes, %s, flush %s, discard %s, "
           "write-zeroes %s, features %#lx\n",
           (unsigned long)in->capacity_sectors, (unsigned)in->block_bytes,
           (in->flags & KAAL_BLK_INFO_READ_ONLY) ? "read-only" : "read-write",
           (in->flags & KAAL_BLK_INFO_FLUSH) ? "yes" : "no",
           (in->flags & KAAL_BLK_INFO_DISCARD) ? "yes" : "no",
           (in->flags & KAAL_BLK_INFO_WRITE_ZEROES) ? "yes" : "no",
           (unsigned long)virtio.features);
    running = true;
    return KAAL_OK;
}

static void blk_irq_op(kaal_dddk_device_t *dev)
{
    (void)dev;
    if (running)
        vblk_interrupt(&blk);
}

static void blk_signal_op(kaal_dddk_device_t *dev, uint64_t bits)
{
    (void)dev;
    (void)bits;
    if (running)
        vblk_poll(&blk);
}

static kaal_error_t blk_rpc_op(kaal_dddk_device_t *dev, uint64_t badge, const kaal_dddk_msg_t *req,
                               kaal_dddk_msg_t *reply)
{
    (void)dev;
    if (badge == KAAL_RPC_BADGE_INIT)
        return KAAL_OK; /* a client went: the rings carry on for the next one */
    if (!running)
        return KAAL_EIO;
    if (req->label != KAAL_BLK_RPC_INFO)
        return KAAL_ENOSYS;
    const kaal_blk_info_t *in = &blk.info;
    reply->n_words = KAAL_BLK_INFO_WORDS;
    reply->words[0] = in->capacity_sectors;
    reply->words[1] = in->block_bytes;
    reply->words[2] = in->flags;
    reply->words[3] = in->max_request_bytes | (uint64_t)in->max_discard_sectors << 32;
    return KAAL_OK;
}

KAAL_DRIVER(virtio_blk, .name = "virtio-blk",
            .match = KAAL_DDDK_MATCH_PCI(KAAL_DEV_VIRTIO_BLK_PCI_VENDOR,
                                         KAAL_DEV_VIRTIO_BLK_PCI_DEVICE),
            .resources = {.mmio_bars = 1u << 4, .irq = true, .dma_bytes = KAAL_DMA_SIZE_BYTES},
            .ops = {.init = blk_init_op, .irq = blk_irq_op, .rpc = blk_rpc_op,
                    .signal = blk_signal_op});

int main(void)
{
    return kaal_dddk_sel4_run(&cfg, "virtio-blk", "virtio-blk");
}
