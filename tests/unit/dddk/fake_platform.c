// SPDX-License-Identifier: BSD-2-Clause
/* A fake kaal_dddk_platform_t for host tests: the broker is a canned
 * bundle, IO ports go to a simulated device, the IRQ is an edge-triggered
 * line sampled after every IO access (so a driver that leaves a source
 * pending gets no second interrupt, as on a PC), and wait() returns, in
 * order: a latched IRQ (unless masked until ack), client notification
 * bits, scripted RPCs, and STOP when nothing is left. Channels are real
 * runtime/ring channels with both ends in this process. */
#include "fake_platform.h"

#include <stdlib.h>
#include <string.h>

static kaal_error_t fp_request_bundle(void *ctx, const kaal_bundle_request_t *req,
                                      kaal_bundle_t *bundle)
{
    fake_platform_t *fp = ctx;
    fp->last_request = *req;
    if (fp->bundle_err == KAAL_OK)
        *bundle = fp->bundle;
    return fp->bundle_err;
}

void fake_platform_sample_irq(fake_platform_t *fp)
{
    bool high = fp->io.irq_line != NULL && fp->io.irq_line(fp->io.dev);
    if (high && !fp->line_was_high && fp->irq_bound)
        fp->irq_latched = true;
    fp->line_was_high = high;
}

static uint32_t fp_io_in(void *ctx, unsigned range, uint16_t port, unsigned width)
{
    fake_platform_t *fp = ctx;
    (void)range;
    fp->n_io_in++;
    fp->last_port = port;
    uint32_t v = 0xffffffffu;
    if (fp->io.read != NULL && width == 1)
        v = fp->io.read(fp->io.dev, (uint16_t)(port - fp->bundle.io[0].base));
    fake_platform_sample_irq(fp);
    return v;
}

static void fp_io_out(void *ctx, unsigned range, uint16_t port, unsigned width, uint32_t value)
{
    fake_platform_t *fp = ctx;
    (void)range;
    fp->n_io_out++;
    fp->last_port = port;
    if (fp->io.write != NULL && width == 1)
        fp->io.write(fp->io.dev, (uint16_t)(port - fp->bundle.io[0].base), (uint8_t)value);
    fake_platform_sample_irq(fp);
}

static volatile void *fp_map_mmio(void *ctx, unsigned index, const kaal_bundle_mmio_t *mmio)
{
    fake_platform_t *fp = ctx;
    if (index >= KAAL_DDDK_MAX_MMIO || mmio == NULL || mmio->size_bytes > 256)
        return NULL;
    return fp->mmio_mem[index];
}

static kaal_error_t fp_alloc_dma(void *ctx, uint64_t size_bytes, kaal_dddk_dma_t *dma)
{
    fake_platform_t *fp = ctx;
    if (size_bytes > sizeof(fp->dma_mem))
        return KAAL_ENOMEM;
    *dma = (kaal_dddk_dma_t){.vaddr = fp->dma_mem, .paddr = 0x1000000, .size_bytes = size_bytes};
    return KAAL_OK;
}

static kaal_error_t fp_bind_irq(void *ctx, const kaal_bundle_t *bundle, uint64_t *bit)
{
    fake_platform_t *fp = ctx;
    if (!bundle->has_irq)
        return KAAL_EINVAL;
    fp->irq_bound = true;
    *bit = FAKE_IRQ_BIT;
    fake_platform_sample_irq(fp);
    return KAAL_OK;
}

static void fp_ack_irq(void *ctx)
{
    fake_platform_t *fp = ctx;
    fp->n_acks++;
    fp->irq_masked = false;
}

static kaal_error_t fp_open_channel(void *ctx, const char *name, kaal_dddk_channel_mem_t *mem)
{
    fake_platform_t *fp = ctx;
    if (fp->open_channel_err != KAAL_OK)
        return fp->open_channel_err;
    for (unsigned i = 0; i < fp->n_channels; i++) {
        fake_channel_t *ch = &fp->channels[i];
        if (strcmp(ch->name, name) != 0)
            continue;
        *mem = (kaal_dddk_channel_mem_t){.queues = ch->queues,
                                         .data = ch->data,
                                         .data_bytes = ch->data_bytes,
                                         .buffer_bytes = ch->buffer_bytes,
                                         .event_bit = ch->event_bit,
                                         .signal_cap = ch->signal_cap};
        return KAAL_OK;
    }
    return KAAL_ENOENT;
}

static kaal_dddk_event_t fp_wait(void *ctx)
{
    fake_platform_t *fp = ctx;
    fp->n_waits++;
    fake_platform_sample_irq(fp);
    uint64_t bits = fp->pending_bits;
    fp->pending_bits = 0;
    if (fp->irq_latched && !fp->irq_masked) {
        fp->irq_latched = false;
        fp->irq_masked = true;
        fp->n_irq_delivered++;
        bits |= FAKE_IRQ_BIT;
    }
    if (bits != 0)
        return (kaal_dddk_event_t){.kind = KAAL_DDDK_EVENT_NOTIFY, .bits = bits};
    if (fp->next_rpc < fp->n_rpcs)
        return fp->rpcs[fp->next_rpc++];
    return (kaal_dddk_event_t){.kind = KAAL_DDDK_EVENT_STOP};
}

static void fp_signal(void *ctx, uint64_t cap)
{
    fake_platform_t *fp = ctx;
    if (cap >= FAKE_KEPT_HANDLE && cap < FAKE_KEPT_HANDLE + FAKE_MAX_KEPT &&
        fp->kept[cap - FAKE_KEPT_HANDLE] != 0)
        fp->kept_signals[cap - FAKE_KEPT_HANDLE]++;
    for (unsigned i = 0; i < fp->n_channels; i++)
        if (fp->channels[i].signal_cap == cap)
            fp->channels[i].n_signals++;
}

static void fp_reply(void *ctx, const kaal_dddk_msg_t *reply)
{
    fake_platform_t *fp = ctx;
    if (fp->n_replies < FAKE_MAX_RPCS)
        fp->replies[fp->n_replies++] = *reply;
}

static kaal_error_t fp_keep_cap(void *ctx, unsigned index, uint64_t *handle)
{
    fake_platform_t *fp = ctx;
    if (index >= FAKE_MAX_KEPT)
        return KAAL_ERANGE;
    if (fp->carried_cap == 0)
        return KAAL_EINVAL;
    fp->kept[index] = fp->carried_cap;
    fp->kept_signals[index] = 0;
    fp->carried_cap = 0;
    *handle = FAKE_KEPT_HANDLE + index;
    return KAAL_OK;
}

static void fp_drop_cap(void *ctx, unsigned index)
{
    fake_platform_t *fp = ctx;
    if (index < FAKE_MAX_KEPT)
        fp->kept[index] = 0;
}

void fake_platform_init(fake_platform_t *fp)
{
    memset(fp, 0, sizeof(*fp));
    fp->ops = (kaal_dddk_platform_t){.ctx = fp,
                                     .request_bundle = fp_request_bundle,
                                     .io_in = fp_io_in,
                                     .io_out = fp_io_out,
                                     .map_mmio = fp_map_mmio,
                                     .alloc_dma = fp_alloc_dma,
                                     .bind_irq = fp_bind_irq,
                                     .ack_irq = fp_ack_irq,
                                     .open_channel = fp_open_channel,
                                     .wait = fp_wait,
                                     .signal = fp_signal,
                                     .reply = fp_reply,
                                     .keep_cap = fp_keep_cap,
                                     .drop_cap = fp_drop_cap};
}

void fake_platform_isa_bundle(fake_platform_t *fp, uint16_t base, uint16_t n_ports, bool irq)
{
    memset(&fp->bundle, 0, sizeof(fp->bundle));
    fp->bundle.n_io = 1;
    fp->bundle.io[0] = (kaal_bundle_io_t){.base = base, .n_ports = n_ports};
    fp->bundle.has_irq = irq;
    fp->bundle.irq.isa_irq = 4;
    fp->bundle.irq.gsi = 4;
}

unsigned fake_platform_add_channel(fake_platform_t *fp, const char *name, uint32_t depth,
                                   uint32_t buffer_bytes, uint64_t event_bit)
{
    unsigned i = fp->n_channels++;
    fake_channel_t *ch = &fp->channels[i];
    ch->name = name;
    ch->depth = depth;
    ch->buffer_bytes = buffer_bytes;
    ch->event_bit = event_bit;
    ch->signal_cap = 100 + i;
    ch->queues_bytes = (kaal_ring_channel_bytes(depth) + 63) & ~(size_t)63;
    ch->queues = aligned_alloc(64, ch->queues_bytes);
    ch->data_bytes = (size_t)depth * buffer_bytes;
    ch->data = calloc(1, ch->data_bytes);
    if (kaal_ring_channel_init(ch->queues, ch->queues_bytes, depth, depth, buffer_bytes) !=
            KAAL_OK ||
        kaal_bytestream_writer_attach(&ch->client_in, ch->queues, ch->data, ch->data_bytes,
                                      buffer_bytes) != KAAL_OK ||
        kaal_bytestream_reader_attach(&ch->client_out, ch->queues, ch->data, ch->data_bytes) !=
            KAAL_OK)
        abort();
    return i;
}

void fake_platform_free(fake_platform_t *fp)
{
    for (unsigned i = 0; i < fp->n_channels; i++) {
        free(fp->channels[i].queues);
        free(fp->channels[i].data);
    }
    fp->n_channels = 0;
}

void fake_client_kick(fake_platform_t *fp, unsigned i)
{
    fake_channel_t *ch = &fp->channels[i];
    bool wake = false;
    if (ch->client_in.published) {
        ch->client_in.published = false;
        wake |= kaal_ring_producer_should_signal(&ch->client_in.ring.active);
    }
    if (ch->client_out.released) {
        ch->client_out.released = false;
        wake |= kaal_ring_producer_should_signal(&ch->client_out.ring.free);
    }
    if (wake)
        fp->pending_bits |= ch->event_bit;
}

size_t fake_client_write(fake_platform_t *fp, unsigned i, const void *src, size_t n)
{
    size_t done = kaal_bytestream_write(&fp->channels[i].client_in, src, n);
    kaal_bytestream_flush(&fp->channels[i].client_in);
    fake_client_kick(fp, i);
    return done;
}

size_t fake_client_read(fake_platform_t *fp, unsigned i, void *dst, size_t max)
{
    size_t done = kaal_bytestream_read(&fp->channels[i].client_out, dst, max);
    fake_client_kick(fp, i);
    return done;
}

void fake_platform_add_rpc(fake_platform_t *fp, uint64_t badge, uint64_t label)
{
    if (fp->n_rpcs < FAKE_MAX_RPCS)
        fp->rpcs[fp->n_rpcs++] = (kaal_dddk_event_t){
            .kind = KAAL_DDDK_EVENT_RPC, .badge = badge, .msg = {.label = label}};
}
