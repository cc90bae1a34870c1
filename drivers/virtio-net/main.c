// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio_net: the virtio-net driver component. The DDDK descriptor and its
 * ops over vnet.c: init finds the virtio 1.x register windows in the
 * config-space snapshot init put in the start record (a legacy-only device
 * is refused with a sentence), maps them through the BARs init mapped,
 * attaches the <kaal/netdev.h> rings (their data regions are DMA memory,
 * component.toml `dma = true`, physical addresses from the start record)
 * and brings the device up; irq and signal run the data path; rpc answers
 * ctl (KAAL_NETDEV_RPC_INFO).
 *
 * One thread: the events notification is bound to it and ctl is declared
 * `signals = true`, so calls (badge bit 62), ring signals (bits 0, 1) and
 * the INTx (bit 61) all arrive at one seL4_Recv (<kaal/dddk_sel4.h>).
 */
#include <kaal/dddk_sel4.h>
#include <kaal/netdev.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <kaal/sysdesc.h>

#include "virtio_net_caps.h"
#include "vnet.h"

#define DMA_BYTES KAAL_DMA_SIZE_BYTES

static vnet_t net;
static kaal_virtio_t virtio;
static kaal_virtio_mmio_t mmio;
static bool running;

static kaal_dddk_sel4_t cfg = {
    .pci_vendor = KAAL_DEV_VIRTIO_NET_PCI_VENDOR,
    .pci_device = KAAL_DEV_VIRTIO_NET_PCI_DEVICE,
    .irq_handler = KAAL_CAP_VIRTIO_NET_IRQ,
    .events = KAAL_CAP_EVENTS,
    .rpc_ep = KAAL_CAP_CTL,
    .tcb = KAAL_SYSDESC_SLOT_TCB,
    .cnode = KAAL_SYSDESC_SLOT_CNODE,
    .free_slot = KAAL_COMPONENT_FIRST_FREE_SLOT,
};

static void wake(void *ctx, unsigned peer)
{
    (void)ctx;
    seL4_Signal(peer == VNET_PEER_RX ? KAAL_CAP_RX : KAAL_CAP_TX);
}

static uint64_t ring_paddr(const char *name)
{
    const kaal_component_ring_t *r = kaal_component_ring(name);
    return r ? r->data_paddr : 0;
}

static kaal_error_t vnet_init_op(kaal_dddk_device_t *dev)
{
    const kaal_component_pci_t *pci = cfg.pci;
    const kaal_bundle_t *b = &dev->bundle;
    printf("virtio-net: %02x:%02x.%x, IRQ gsi %u\n", b->device->pci.bus, b->device->pci.dev,
           b->device->pci.fn, (unsigned)b->irq.gsi);
    kaal_virtio_pci_caps_t caps;
    kaal_virtio_caps_ret_t c = kaal_virtio_pci_find_caps(pci->config, &caps);
    if (c.err == KAAL_ENOENT) {
        printf("virtio-net: refused: %s; this driver needs a virtio 1.x (modern) device\n", c.why);
        return c.err;
    }
    if (c.err) {
        printf("virtio-net: refused: %s\n", c.why);
        return c.err;
    }
    volatile void *bar_vaddr[6] = {0};
    uint64_t bar_size[6] = {0};
    for (unsigned i = 0; i < 6; i++) {
        if (pci->bar_vaddr[i] == 0)
            continue;
        bar_vaddr[i] = (volatile void *)(uintptr_t)pci->bar_vaddr[i];
        bar_size[i] = pci->bar_size[i];
    }
    kaal_error_t err = kaal_virtio_init_mmio(&virtio, &mmio, &caps, bar_vaddr, bar_size);
    if (err) {
        printf("virtio-net: refused: %s\n", virtio.why);
        return err;
    }
    vnet_mem_t mem = {
        .dma = dev->dma.vaddr,
        .dma_paddr = dev->dma.paddr,
        .dma_bytes = dev->dma.size_bytes,
        .rx_queues = (void *)KAAL_RING_RX_QUEUE_VADDR,
        .rx_data = (void *)KAAL_RING_RX_DATA_VADDR,
        .rx_data_bytes = KAAL_RING_RX_DATA_SIZE_BYTES,
        .rx_data_paddr = ring_paddr("rx"),
        .tx_queues = (void *)KAAL_RING_TX_QUEUE_VADDR,
        .tx_data = (void *)KAAL_RING_TX_DATA_VADDR,
        .tx_data_bytes = KAAL_RING_TX_DATA_SIZE_BYTES,
        .tx_data_paddr = ring_paddr("tx"),
        .buffer_bytes = KAAL_NETDEV_BUFFER_BYTES,
    };
    if (mem.rx_data_paddr == 0 || mem.tx_data_paddr == 0) {
        printf("virtio-net: refused: the rx/tx rings are not wired or not DMA memory\n");
        return KAAL_ENOENT;
    }
    const char *why;
    err = vnet_start(&net, &virtio, &mem, wake, NULL, &why);
    if (err) {
        printf("virtio-net: device not started: %s\n", why);
        return err;
    }
    const uint8_t *m = net.mac;
    printf("virtio-net: MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s, %u rx buffers, "
           "features %#lx\n",
           m[0], m[1], m[2], m[3], m[4], m[5], net.link_up ? "up" : "down", net.n_buffers,
           (unsigned long)virtio.features);
    running = true;
    return KAAL_OK;
}

static void vnet_irq_op(kaal_dddk_device_t *dev)
{
    (void)dev;
    if (running)
        vnet_interrupt(&net);
}

static void vnet_signal_op(kaal_dddk_device_t *dev, uint64_t bits)
{
    (void)dev;
    (void)bits;
    if (running)
        vnet_poll(&net);
}

static kaal_error_t vnet_rpc_op(kaal_dddk_device_t *dev, uint64_t badge, const kaal_dddk_msg_t *req,
                                kaal_dddk_msg_t *reply)
{
    (void)dev;
    if (badge == KAAL_RPC_BADGE_INIT)
        return KAAL_OK; /* a client went: the rings carry on for the next one */
    if (req->label != KAAL_NETDEV_RPC_INFO)
        return KAAL_ENOSYS;
    reply->n_words = 3;
    reply->words[0] = kaal_netdev_mac_pack(net.mac);
    reply->words[1] = net.link_up && !net.broken ? KAAL_NETDEV_INFO_LINK_UP : 0;
    reply->words[2] = KAAL_NETDEV_MTU;
    return KAAL_OK;
}

KAAL_DRIVER(
    virtio_net, .name = "virtio-net",
    .match = KAAL_DDDK_MATCH_PCI(KAAL_DEV_VIRTIO_NET_PCI_VENDOR, KAAL_DEV_VIRTIO_NET_PCI_DEVICE),
    .resources = {.mmio_bars = 1u << 4, .irq = true, .dma_bytes = DMA_BYTES},
    .ops = {
        .init = vnet_init_op, .irq = vnet_irq_op, .rpc = vnet_rpc_op, .signal = vnet_signal_op});

int main(void)
{
    return kaal_dddk_sel4_run(&cfg, "virtio-net", "virtio-net");
}
