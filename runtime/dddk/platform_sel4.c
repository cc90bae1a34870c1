// SPDX-License-Identifier: BSD-2-Clause
/* The DDDK platform in the guest: kaal_dddk_platform_t over a component's
 * granted caps (<kaal/dddk_sel4.h>).
 *
 * Model: everything the driver may touch was decided by system.toml and
 * handed over by init, so this layer only translates. request_bundle
 * answers with the device grant (checked against the driver's match by ISA
 * name); the IRQ and the ring ends share the component's one events
 * notification, the IRQ on bit KAAL_DDDK_SEL4_IRQ_BIT through a badged copy
 * of that notification minted into the component's first free slot.
 *
 * Invariant: no op blocks except wait; a failing cap invocation is counted
 * nowhere and reads as all-ones (the empty-bus value), like a port the
 * driver did not declare.
 */
#include <kaal/dddk_sel4.h>
#include <kaal/string.h>

static kaal_error_t sel4_request_bundle(void *ctx, const kaal_bundle_request_t *req,
                                        kaal_bundle_t *bundle)
{
    kaal_dddk_sel4_t *cfg = ctx;
    if (req->match.kind != KAAL_MATCH_ISA_NAME || cfg->isa_name == NULL ||
        strcmp(req->match.name, cfg->isa_name) != 0)
        return KAAL_ENOENT;
    memset(bundle, 0, sizeof(*bundle));
    bundle->n_io = cfg->n_io;
    for (unsigned i = 0; i < cfg->n_io; i++)
        bundle->io[i] = (kaal_bundle_io_t){.base = cfg->io[i].base, .n_ports = cfg->io[i].n_ports};
    bundle->has_irq = cfg->irq_handler != 0;
    bundle->irq.isa_irq = cfg->isa_irq;
    bundle->irq.gsi = cfg->isa_irq;
    return KAAL_OK;
}

static uint32_t sel4_io_in(void *ctx, unsigned range, uint16_t port, unsigned width_bytes)
{
    kaal_dddk_sel4_t *cfg = ctx;
    if (range >= cfg->n_io)
        return 0xffffffffu;
    seL4_CPtr cap = cfg->io[range].cap;
    if (width_bytes == 1) {
        seL4_X86_IOPort_In8_t r = seL4_X86_IOPort_In8(cap, port);
        return r.error ? 0xffu : r.result;
    }
    if (width_bytes == 2) {
        seL4_X86_IOPort_In16_t r = seL4_X86_IOPort_In16(cap, port);
        return r.error ? 0xffffu : r.result;
    }
    seL4_X86_IOPort_In32_t r = seL4_X86_IOPort_In32(cap, port);
    return r.error ? 0xffffffffu : r.result;
}

static void sel4_io_out(void *ctx, unsigned range, uint16_t port, unsigned width_bytes,
                        uint32_t value)
{
    kaal_dddk_sel4_t *cfg = ctx;
    if (range >= cfg->n_io)
        return;
    seL4_CPtr cap = cfg->io[range].cap;
    if (width_bytes == 1)
        seL4_X86_IOPort_Out8(cap, port, value);
    else if (width_bytes == 2)
        seL4_X86_IOPort_Out16(cap, port, value);
    else
        seL4_X86_IOPort_Out32(cap, port, value);
}

static kaal_error_t sel4_bind_irq(void *ctx, const kaal_bundle_t *bundle, uint64_t *bit)
{
    (void)bundle;
    kaal_dddk_sel4_t *cfg = ctx;
    if (cfg->irq_handler == 0)
        return KAAL_ENOENT;
    if (seL4_CNode_Mint(cfg->cnode, cfg->free_slot, seL4_WordBits, cfg->cnode, cfg->events,
                        seL4_WordBits, seL4_AllRights, KAAL_DDDK_SEL4_IRQ_BIT) != seL4_NoError)
        return KAAL_ESEL4;
    if (seL4_IRQHandler_SetNotification(cfg->irq_handler, cfg->free_slot) != seL4_NoError ||
        seL4_IRQHandler_Ack(cfg->irq_handler) != seL4_NoError)
        return KAAL_ESEL4;
    *bit = KAAL_DDDK_SEL4_IRQ_BIT;
    return KAAL_OK;
}

static void sel4_ack_irq(void *ctx)
{
    kaal_dddk_sel4_t *cfg = ctx;
    seL4_IRQHandler_Ack(cfg->irq_handler);
}

static kaal_error_t sel4_open_channel(void *ctx, const char *name, kaal_dddk_channel_mem_t *mem)
{
    kaal_dddk_sel4_t *cfg = ctx;
    for (unsigned i = 0; i < cfg->n_channels && i < KAAL_DDDK_SEL4_MAX_CHANNELS; i++) {
        const kaal_dddk_sel4_channel_t *ch = &cfg->channels[i];
        if (strcmp(ch->name, name) != 0)
            continue;
        if (ch->queue_depth == 0)
            return KAAL_EINVAL;
        mem->queues = (void *)(uintptr_t)ch->queue_vaddr;
        mem->data = (void *)(uintptr_t)ch->data_vaddr;
        mem->data_bytes = ch->data_size_bytes;
        mem->buffer_bytes = (uint32_t)(ch->data_size_bytes / ch->queue_depth);
        mem->event_bit = ch->event_bit;
        mem->signal_cap = ch->signal_cap;
        return KAAL_OK;
    }
    return KAAL_ENOENT;
}

static kaal_dddk_event_t sel4_wait(void *ctx)
{
    kaal_dddk_sel4_t *cfg = ctx;
    seL4_Word bits = 0;
    seL4_Wait(cfg->events, &bits);
    return (kaal_dddk_event_t){.kind = KAAL_DDDK_EVENT_NOTIFY, .bits = bits};
}

static void sel4_signal(void *ctx, uint64_t signal_cap)
{
    (void)ctx;
    seL4_Signal((seL4_CPtr)signal_cap);
}

void kaal_dddk_sel4_platform(kaal_dddk_sel4_t *cfg, kaal_dddk_platform_t *platform)
{
    memset(platform, 0, sizeof(*platform));
    platform->ctx = cfg;
    platform->request_bundle = sel4_request_bundle;
    platform->io_in = sel4_io_in;
    platform->io_out = sel4_io_out;
    platform->bind_irq = sel4_bind_irq;
    platform->ack_irq = sel4_ack_irq;
    platform->open_channel = sel4_open_channel;
    platform->wait = sel4_wait;
    platform->signal = sel4_signal;
}
