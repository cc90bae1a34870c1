// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer: the input is a hostile virtio-net device and a careless net
 * server at once, driving drivers/virtio-net/vnet.c (over runtime/virtio
 * and runtime/ring) through the device model: frames of any length, used
 * entries with any id and length, used index jumps, link flapping,
 * tx descriptors of any length, buffers released or not. Whatever happens,
 * nothing reads or writes outside its memory (ASan), the driver's queues
 * never hold more free descriptors than they have, and every buffer the
 * server receives lies inside the rx region and holds at most one buffer. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kaal/netdev.h>

#include "virtio-net/vnet.h"
#include "virtio/model.h"

#define DEPTH 16
#define BUF KAAL_NETDEV_BUFFER_BYTES
#define DATA (DEPTH * BUF)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
    model_t m;
    kaal_virtio_t dev;
    vnet_t net;
    kaal_ring_receiver_t srx;
    kaal_ring_sender_t stx;
    _Alignas(4096) uint8_t dma[65536];
    _Alignas(64) uint8_t rxq[4096], txq[4096];
    _Alignas(4096) uint8_t rxd[DATA], txd[DATA];
} w;

static void wake(void *ctx, unsigned peer)
{
    (void)ctx;
    (void)peer;
}

static void check(void)
{
    if (kaal_virtq_free_count(&w.net.rxq) > w.net.rxq.size ||
        kaal_virtq_free_count(&w.net.txq) > w.net.txq.size)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    memset(&w, 0, sizeof(w));
    model_init(&w.m, KAAL_VIRTIO_F_VERSION_1 | VNET_F_MAC | VNET_F_STATUS, 2, 64);
    w.m.device_cfg[VNET_CFG_STATUS] = VNET_S_LINK_UP;
    kaal_ring_channel_init(w.rxq, sizeof(w.rxq), DEPTH, DEPTH, BUF);
    kaal_ring_channel_init(w.txq, sizeof(w.txq), DEPTH, DEPTH, BUF);
    kaal_ring_receiver_attach(&w.srx, w.rxq, w.rxd, DATA);
    kaal_ring_sender_attach(&w.stx, w.txq, w.txd, DATA);
    kaal_virtio_pci_caps_t caps;
    if (kaal_virtio_pci_find_caps(w.m.config, &caps).err ||
        kaal_virtio_init_io(&w.dev, &w.m.io, &caps))
        abort();
    vnet_mem_t mem = {.dma = w.dma,
                      .dma_paddr = (uintptr_t)w.dma,
                      .dma_bytes = sizeof(w.dma),
                      .rx_queues = w.rxq,
                      .rx_data = w.rxd,
                      .rx_data_bytes = DATA,
                      .rx_data_paddr = (uintptr_t)w.rxd,
                      .tx_queues = w.txq,
                      .tx_data = w.txd,
                      .tx_data_bytes = DATA,
                      .tx_data_paddr = (uintptr_t)w.txd,
                      .buffer_bytes = BUF};
    const char *why;
    if (vnet_start(&w.net, &w.dev, &mem, wake, NULL, &why) != KAAL_OK)
        abort();
    static uint8_t frame[12 + BUF + 64];
    for (size_t i = 0; i + 3 <= size; i += 3) {
        uint8_t op = data[i] & 7;
        uint16_t arg = (uint16_t)(data[i + 1] | data[i + 2] << 8);
        kaal_ring_desc_t d;
        switch (op) {
        case 0: /* a frame of any length, even longer than the buffer */
            memset(frame, data[i + 1], sizeof(frame));
            model_fill(&w.m, VNET_RX_QUEUE, frame, arg % sizeof(frame));
            break;
        case 1: model_post_used(&w.m, VNET_RX_QUEUE, arg % 80, arg * 7u); break;
        case 2: model_post_used(&w.m, VNET_TX_QUEUE, arg % 80, arg); break;
        case 3:
            model_set_used_idx(&w.m, arg & 1, (uint16_t)(w.m.q[arg & 1].used_idx + arg % 3));
            break;
        case 4: /* the server takes what arrived; releases it if arg says so */
            while (kaal_ring_receiver_recv(&w.srx, &d) != NULL) {
                if (d.offset % BUF || d.offset + BUF > DATA || d.length_bytes > BUF)
                    abort();
                if (arg & 1)
                    kaal_ring_receiver_release(&w.srx, &d);
            }
            break;
        case 5: /* the server sends a frame of any length */
            if (kaal_ring_sender_get_buffer(&w.stx, &d) != NULL) {
                d.length_bytes = arg % (BUF + 16);
                kaal_ring_sender_send(&w.stx, &d);
            }
            break;
        case 6: model_drain(&w.m, VNET_TX_QUEUE, frame, sizeof(frame)); break;
        case 7: /* link flaps */
            w.m.device_cfg[VNET_CFG_STATUS] = arg & 1;
            w.m.isr |= KAAL_VIRTIO_ISR_CONFIG;
            break;
        }
        vnet_interrupt(&w.net);
        check();
    }
    return 0;
}
