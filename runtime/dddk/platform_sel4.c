// SPDX-License-Identifier: BSD-2-Clause
/* The DDDK platform in the guest: kaal_dddk_platform_t over a component's
 * granted caps (<kaal/dddk_sel4.h>).
 *
 * Model: everything the driver may touch was decided by system.toml and
 * handed over by init, so this layer only translates. request_bundle
 * answers with the device grant (checked against the driver's match by ISA
 * name, or for a PCI grant by vendor:device, with what init decided at boot
 * from the start record: BARs mapped at their header vaddrs, the DMA
 * region); the IRQ and the ring ends share the component's one events
 * notification, the IRQ on bit KAAL_DDDK_SEL4_IRQ_BIT through a badged copy
 * of that notification minted into the component's first free slot.
 *
 * A driver that serves RPC (rpc_ep set: an rpc_server end) waits on its
 * endpoint instead and answers with seL4_Reply; it has no IRQ and no ring
 * ends (bind_irq and open_channel refuse), because a notification bound to
 * the thread would reach the same Recv with a badge a client's could equal.
 * Unless the end is declared `signals = true` (cfg->tcb set): then every
 * client badge has KAAL_RPC_BADGE_CLIENT (bit 62, set by tools/systoml),
 * init's notices come with KAAL_RPC_BADGE_INIT (bit 63), and the IRQ moves
 * to bit 61, so the badge alone says what arrived.
 *
 * Invariant: no op blocks except wait; a failing cap invocation is counted
 * nowhere and reads as all-ones (the empty-bus value), like a port the
 * driver did not declare.
 */
#include <kaal/dddk_sel4.h>
#include <kaal/stdio.h>
#include <kaal/string.h>

/* A PCI grant: the bundle from the start record's entry for the device. */
static kaal_error_t pci_bundle(kaal_dddk_sel4_t *cfg, const kaal_bundle_request_t *req,
                               kaal_bundle_t *bundle)
{
    const kaal_component_start_t *start = kaal_component();
    uint32_t id = (uint32_t)cfg->pci_vendor << 16 | cfg->pci_device;
    if (req->match.vendor_id != cfg->pci_vendor || req->match.device_id != cfg->pci_device ||
        start == NULL)
        return KAAL_ENOENT;
    const kaal_component_pci_t *e = NULL;
    for (seL4_Word i = 0; i < start->n_pci && i < KAAL_COMPONENT_MAX_PCI; i++)
        if (start->pci[i].id == id)
            e = &start->pci[i];
    if (e == NULL)
        return KAAL_ENOENT;
    cfg->pci = e;
    memset(bundle, 0, sizeof(*bundle));
    memset(&cfg->pci_device_desc, 0, sizeof(cfg->pci_device_desc));
    cfg->pci_device_desc.bus = KAAL_BUS_PCI;
    cfg->pci_device_desc.pci.vendor_id = cfg->pci_vendor;
    cfg->pci_device_desc.pci.device_id = cfg->pci_device;
    cfg->pci_device_desc.pci.bus = e->bus;
    cfg->pci_device_desc.pci.dev = e->dev;
    cfg->pci_device_desc.pci.fn = e->fn;
    bundle->device = &cfg->pci_device_desc;
    cfg->n_io = 0;
    for (unsigned bar = 0; bar < KAAL_COMPONENT_PCI_BARS; bar++) {
        if (e->bar_size[bar] == 0)
            continue;
        if (e->bar_vaddr[bar] != 0) {
            bundle->mmio[bundle->n_mmio++] = (kaal_bundle_mmio_t){
                .paddr = e->bar_base[bar], .n_pages = e->bar_size[bar] / 4096,
                .size_bytes = e->bar_size[bar], .bar = (uint8_t)bar};
        } else if (cfg->n_io < KAAL_DDDK_MAX_IO && cfg->pci_io_caps[bar] != 0) {
            cfg->io[cfg->n_io].cap = cfg->pci_io_caps[bar];
            cfg->io[cfg->n_io].base = (uint16_t)e->bar_base[bar];
            cfg->io[cfg->n_io].n_ports = (uint16_t)e->bar_size[bar];
            bundle->io[bundle->n_io++] = (kaal_bundle_io_t){.base = (uint16_t)e->bar_base[bar],
                                                            .n_ports = (uint16_t)e->bar_size[bar]};
            cfg->n_io++;
        }
    }
    bundle->has_irq = cfg->irq_handler != 0;
    bundle->irq.gsi = e->irq_gsi;
    bundle->irq.level = e->irq_level;
    bundle->dma_n_pages = start->dma_size_bytes / 4096;
    return KAAL_OK;
}

static kaal_error_t sel4_request_bundle(void *ctx, const kaal_bundle_request_t *req,
                                        kaal_bundle_t *bundle)
{
    kaal_dddk_sel4_t *cfg = ctx;
    if (req->match.kind == KAAL_MATCH_PCI_ID && cfg->pci_vendor != 0)
        return pci_bundle(cfg, req, bundle);
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

static volatile void *sel4_map_mmio(void *ctx, unsigned index, const kaal_bundle_mmio_t *mmio)
{
    kaal_dddk_sel4_t *cfg = ctx;
    if (cfg->pci == NULL || index >= KAAL_COMPONENT_PCI_BARS || cfg->pci->bar_vaddr[index] == 0 ||
        mmio == NULL || mmio->paddr != cfg->pci->bar_base[index])
        return NULL;
    return (volatile void *)(uintptr_t)cfg->pci->bar_vaddr[index];
}

static kaal_error_t sel4_alloc_dma(void *ctx, uint64_t size_bytes, kaal_dddk_dma_t *dma)
{
    (void)ctx;
    const kaal_component_start_t *start = kaal_component();
    if (start == NULL || start->dma_size_bytes == 0)
        return KAAL_ENOENT;
    if (size_bytes > start->dma_size_bytes)
        return KAAL_ENOMEM;
    dma->vaddr = (void *)(uintptr_t)start->dma_vaddr;
    dma->paddr = start->dma_paddr;
    dma->size_bytes = start->dma_size_bytes;
    return KAAL_OK;
}

/* An rpc end whose calls and signals share one Recv (see the top). */
static bool shared_recv(const kaal_dddk_sel4_t *cfg)
{
    return cfg->rpc_ep != 0 && cfg->tcb != 0 && cfg->events != 0;
}

static kaal_error_t sel4_bind_irq(void *ctx, const kaal_bundle_t *bundle, uint64_t *bit)
{
    (void)bundle;
    kaal_dddk_sel4_t *cfg = ctx;
    if (cfg->rpc_ep && !shared_recv(cfg))
        return KAAL_ENOSYS; /* see the top of this file */
    if (cfg->irq_handler == 0)
        return KAAL_ENOENT;
    uint64_t irq_bit = shared_recv(cfg) ? KAAL_DDDK_SEL4_BOUND_IRQ_BIT : KAAL_DDDK_SEL4_IRQ_BIT;
    if (seL4_CNode_Mint(cfg->cnode, cfg->free_slot, seL4_WordBits, cfg->cnode, cfg->events,
                        seL4_WordBits, seL4_AllRights, irq_bit) != seL4_NoError)
        return KAAL_ESEL4;
    if (seL4_IRQHandler_SetNotification(cfg->irq_handler, cfg->free_slot) != seL4_NoError ||
        seL4_IRQHandler_Ack(cfg->irq_handler) != seL4_NoError)
        return KAAL_ESEL4;
    *bit = irq_bit;
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
    if (cfg->rpc_ep && !shared_recv(cfg))
        return KAAL_ENOSYS;
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
    if (!cfg->rpc_ep) {
        seL4_Wait(cfg->events, &bits);
        return (kaal_dddk_event_t){.kind = KAAL_DDDK_EVENT_NOTIFY, .bits = bits};
    }
    if (shared_recv(cfg) && !cfg->bound) {
        if (seL4_TCB_BindNotification(cfg->tcb, cfg->events) != seL4_NoError) {
            printf("dddk: the events notification could not be bound to the thread\n");
            return (kaal_dddk_event_t){.kind = KAAL_DDDK_EVENT_STOP};
        }
        cfg->bound = true;
    }
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(cfg->rpc_ep, &badge);
    if (shared_recv(cfg) && badge != KAAL_RPC_BADGE_INIT && !(badge & KAAL_RPC_BADGE_CLIENT))
        return (kaal_dddk_event_t){.kind = KAAL_DDDK_EVENT_NOTIFY, .bits = badge};
    kaal_dddk_event_t ev = {.kind = KAAL_DDDK_EVENT_RPC, .badge = badge};
    ev.msg.label = seL4_MessageInfo_get_label(info);
    seL4_Word n = seL4_MessageInfo_get_length(info);
    ev.msg.n_words = (uint8_t)(n < KAAL_DDDK_MSG_WORDS ? n : KAAL_DDDK_MSG_WORDS);
    for (unsigned i = 0; i < ev.msg.n_words; i++)
        ev.msg.words[i] = seL4_GetMR((int)i);
    return ev;
}

static void sel4_reply(void *ctx, const kaal_dddk_msg_t *reply)
{
    (void)ctx;
    for (unsigned i = 0; i < reply->n_words; i++)
        seL4_SetMR((int)i, reply->words[i]);
    seL4_Reply(seL4_MessageInfo_new(reply->label, 0, 0, reply->n_words));
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
    platform->map_mmio = sel4_map_mmio;
    platform->alloc_dma = sel4_alloc_dma;
    platform->bind_irq = sel4_bind_irq;
    platform->ack_irq = sel4_ack_irq;
    platform->open_channel = sel4_open_channel;
    platform->wait = sel4_wait;
    platform->signal = sel4_signal;
    platform->reply = sel4_reply;
}

int kaal_dddk_sel4_run(kaal_dddk_sel4_t *cfg, const char *driver, const char *who)
{
    static kaal_dddk_platform_t platform;
    static kaal_dddk_device_t dev;
    kaal_dddk_sel4_platform(cfg, &platform);
    kaal_error_t err = kaal_dddk_main(&dev, &platform, driver);
    printf("%s: driver stopped: %s (%s)\n", who, kaal_strerror(err),
           dev.failed_step ? dev.failed_step : "-");
    return 1;
}
