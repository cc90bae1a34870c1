// SPDX-License-Identifier: BSD-2-Clause
/* The DDDK core: from a driver descriptor to a running device.
 *
 * Model. A driver component links one or more kaal_driver_t descriptors
 * (KAAL_DRIVER puts them in the "kaal_drivers" section, so the linker's
 * __start_/__stop_ symbols bound an array of them). kaal_dddk_start turns
 * one descriptor into a kaal_dddk_device_t in fixed steps, each through the
 * platform ops, each recorded in dev->failed_step if it fails:
 *
 *   request bundle -> check it has the declared IO ranges, BARs, IRQ, DMA
 *   -> open IO ranges -> map BARs -> allocate DMA -> bind IRQ
 *   -> attach channels -> driver init
 *
 * kaal_dddk_run is the event loop. Before it blocks it arms every IN
 * channel the driver is not busy on (ring signal suppression: the client
 * signals only an armed reader); if input is already waiting it handles it
 * at once instead of blocking. A notification word is dispatched IRQ first,
 * then channels in declaration order; an RPC is answered with the op's
 * return value as label. After every event the loop signals each peer that
 * asked for it and to which this side published (OUT) or released (IN).
 *
 * Invariants: a driver op is only called after a successful start; IO
 * accesses outside a declared range never reach the platform.
 */
#include <kaal/dddk.h>
#include <kaal/string.h>

extern const kaal_driver_t __start_kaal_drivers[] __attribute__((weak));
extern const kaal_driver_t __stop_kaal_drivers[] __attribute__((weak));

size_t kaal_dddk_driver_count(void)
{
    if (__start_kaal_drivers == NULL)
        return 0;
    /* The linker's section bounds delimit one array, whatever cppcheck thinks. */
    // cppcheck-suppress comparePointers
    return (size_t)(__stop_kaal_drivers - __start_kaal_drivers);
}

const kaal_driver_t *kaal_dddk_driver_at(size_t index)
{
    return index < kaal_dddk_driver_count() ? &__start_kaal_drivers[index] : NULL;
}

const kaal_driver_t *kaal_dddk_find(const char *name)
{
    size_t n = kaal_dddk_driver_count();
    if (name == NULL)
        return n == 1 ? kaal_dddk_driver_at(0) : NULL;
    for (size_t i = 0; i < n; i++)
        if (strcmp(__start_kaal_drivers[i].name, name) == 0)
            return &__start_kaal_drivers[i];
    return NULL;
}

/* ---- start ---- */

static kaal_error_t fail(kaal_dddk_device_t *dev, const char *step, kaal_error_t err)
{
    dev->failed_step = step;
    return err;
}

static const kaal_bundle_mmio_t *bundle_bar(const kaal_bundle_t *b, unsigned bar)
{
    bool pci = b->device != NULL && b->device->bus == KAAL_BUS_PCI;
    for (unsigned i = 0; i < b->n_mmio; i++)
        if (pci ? b->mmio[i].bar == bar : i == bar)
            return &b->mmio[i];
    return NULL;
}

static kaal_error_t check_bundle(kaal_dddk_device_t *dev)
{
    const kaal_driver_resources_t *res = &dev->driver->resources;
    const kaal_bundle_t *b = &dev->bundle;
    if (res->n_io > KAAL_DDDK_MAX_IO || res->n_io > b->n_io)
        return fail(dev, "bundle lacks an IO port range", KAAL_ENOENT);
    for (unsigned i = 0; i < res->n_io; i++)
        if (b->io[i].n_ports < res->io_ports[i])
            return fail(dev, "bundle IO port range too small", KAAL_ERANGE);
    for (unsigned bar = 0; bar < KAAL_DDDK_MAX_MMIO; bar++)
        if ((res->mmio_bars & (1u << bar)) && bundle_bar(b, bar) == NULL)
            return fail(dev, "bundle lacks an MMIO BAR", KAAL_ENOENT);
    if (res->irq && !b->has_irq)
        return fail(dev, "bundle has no IRQ", KAAL_ENOENT);
    if (res->dma_bytes > b->dma_n_pages * 4096u)
        return fail(dev, "bundle DMA region too small", KAAL_ERANGE);
    return KAAL_OK;
}

static kaal_error_t map_resources(kaal_dddk_device_t *dev)
{
    const kaal_driver_resources_t *res = &dev->driver->resources;
    const kaal_dddk_platform_t *p = dev->platform;
    if (res->n_io > 0 && (p->io_in == NULL || p->io_out == NULL))
        return fail(dev, "platform has no IO port access", KAAL_ENOSYS);
    for (unsigned i = 0; i < res->n_io; i++)
        dev->io[i] = (kaal_dddk_io_t){.platform = p,
                                      .range = i,
                                      .base = dev->bundle.io[i].base,
                                      .n_ports = dev->bundle.io[i].n_ports};
    for (unsigned bar = 0; bar < KAAL_DDDK_MAX_MMIO; bar++) {
        if (!(res->mmio_bars & (1u << bar)))
            continue;
        const kaal_bundle_mmio_t *m = bundle_bar(&dev->bundle, bar);
        if (p->map_mmio == NULL || (dev->mmio[bar] = p->map_mmio(p->ctx, bar, m)) == NULL)
            return fail(dev, "mapping an MMIO BAR failed", KAAL_ENOMEM);
    }
    if (res->dma_bytes > 0) {
        if (p->alloc_dma == NULL)
            return fail(dev, "platform has no DMA", KAAL_ENOSYS);
        kaal_error_t err = p->alloc_dma(p->ctx, res->dma_bytes, &dev->dma);
        if (err != KAAL_OK)
            return fail(dev, "allocating DMA memory failed", err);
    }
    if (res->irq) {
        if (p->bind_irq == NULL || p->ack_irq == NULL)
            return fail(dev, "platform cannot bind IRQs", KAAL_ENOSYS);
        kaal_error_t err = p->bind_irq(p->ctx, &dev->bundle, &dev->irq_bit);
        if (err != KAAL_OK)
            return fail(dev, "binding the IRQ failed", err);
        if (dev->irq_bit == 0)
            return fail(dev, "IRQ bound to no notification bit", KAAL_EINVAL);
    }
    return KAAL_OK;
}

static kaal_error_t open_channels(kaal_dddk_device_t *dev)
{
    const kaal_driver_service_t *svc = &dev->driver->service;
    const kaal_dddk_platform_t *p = dev->platform;
    if (svc->n_channels > KAAL_DDDK_MAX_CHANNELS)
        return fail(dev, "too many channels", KAAL_EINVAL);
    if (svc->n_channels > 0 && (p->open_channel == NULL || p->signal == NULL))
        return fail(dev, "platform has no channels", KAAL_ENOSYS);
    for (unsigned i = 0; i < svc->n_channels; i++) {
        kaal_dddk_channel_t *ch = &dev->channels[i];
        kaal_dddk_channel_mem_t mem;
        memset(&mem, 0, sizeof(mem));
        kaal_error_t err = p->open_channel(p->ctx, svc->channels[i].name, &mem);
        if (err != KAAL_OK)
            return fail(dev, "opening a channel failed", err);
        ch->dir = svc->channels[i].dir;
        ch->event_bit = mem.event_bit;
        ch->signal_cap = mem.signal_cap;
        if (ch->dir == KAAL_DDDK_CHANNEL_IN)
            err = kaal_bytestream_reader_attach(&ch->in, mem.queues, mem.data, mem.data_bytes);
        else if (ch->dir == KAAL_DDDK_CHANNEL_OUT)
            err = kaal_bytestream_writer_attach(&ch->out, mem.queues, mem.data, mem.data_bytes,
                                                mem.buffer_bytes);
        else
            err = KAAL_EINVAL;
        if (err != KAAL_OK)
            return fail(dev, "attaching a channel's rings failed", err);
    }
    return KAAL_OK;
}

kaal_error_t kaal_dddk_start(kaal_dddk_device_t *dev, const kaal_driver_t *driver,
                             const kaal_dddk_platform_t *platform)
{
    if (dev == NULL)
        return KAAL_EINVAL;
    memset(dev, 0, sizeof(*dev));
    dev->driver = driver;
    dev->platform = platform;
    if (driver == NULL || platform == NULL)
        return fail(dev, "no driver or no platform", KAAL_EINVAL);
    if (platform->request_bundle == NULL || platform->wait == NULL)
        return fail(dev, "platform lacks request_bundle or wait", KAAL_ENOSYS);
    kaal_bundle_request_t req = {.match = driver->match,
                                 .dma_size_bytes = driver->resources.dma_bytes};
    kaal_error_t err = platform->request_bundle(platform->ctx, &req, &dev->bundle);
    if (err != KAAL_OK)
        return fail(dev, "the broker refused the device", err);
    if ((err = check_bundle(dev)) != KAAL_OK || (err = map_resources(dev)) != KAAL_OK ||
        (err = open_channels(dev)) != KAAL_OK)
        return err;
    if (driver->ops.init != NULL && (err = driver->ops.init(dev)) != KAAL_OK)
        return fail(dev, "the driver's init failed", err);
    return KAAL_OK;
}

/* ---- the event loop ---- */

static void signal_peers(kaal_dddk_device_t *dev)
{
    const kaal_dddk_platform_t *p = dev->platform;
    for (unsigned i = 0; i < dev->driver->service.n_channels; i++) {
        kaal_dddk_channel_t *ch = &dev->channels[i];
        bool wake = false;
        if (ch->dir == KAAL_DDDK_CHANNEL_OUT && ch->out.published) {
            ch->out.published = false;
            wake = kaal_ring_producer_should_signal(&ch->out.ring.active);
        } else if (ch->dir == KAAL_DDDK_CHANNEL_IN && ch->in.released) {
            ch->in.released = false;
            wake = kaal_ring_producer_should_signal(&ch->in.ring.free);
        }
        if (wake)
            p->signal(p->ctx, ch->signal_cap);
    }
}

void kaal_dddk_dispatch(kaal_dddk_device_t *dev, const kaal_dddk_event_t *ev)
{
    const kaal_driver_t *drv = dev->driver;
    if (ev->kind == KAAL_DDDK_EVENT_NOTIFY) {
        uint64_t bits = ev->bits;
        if (dev->irq_bit != 0 && (bits & dev->irq_bit)) {
            bits &= ~dev->irq_bit;
            dev->n_irqs++;
            if (drv->ops.irq != NULL)
                drv->ops.irq(dev);
            dev->platform->ack_irq(dev->platform->ctx);
            /* Edge-triggered line: the kernel kept the IOAPIC pin masked
             * from the interrupt to the ack (as seL4 does), and an IOAPIC
             * drops edges on a masked pin, so a source that rose in that
             * window raises no interrupt of its own and would keep the line
             * high for ever. Polling the device once more after the ack
             * finds it; any later source makes a new edge. */
            if (!dev->bundle.irq.level && drv->ops.irq != NULL)
                drv->ops.irq(dev);
        }
        for (unsigned i = 0; i < drv->service.n_channels; i++) {
            uint64_t bit = dev->channels[i].event_bit;
            if (bit == 0 || !(bits & bit))
                continue;
            bits &= ~bit;
            /* A busy driver reads the channel on its own later. */
            if (drv->ops.channel != NULL && !dev->channels[i].busy)
                drv->ops.channel(dev, i);
        }
        if (bits != 0 && drv->ops.signal != NULL)
            drv->ops.signal(dev, bits);
        else if (bits != 0)
            dev->n_unknown_bits++;
    } else if (ev->kind == KAAL_DDDK_EVENT_RPC) {
        kaal_dddk_msg_t reply;
        memset(&reply, 0, sizeof(reply));
        kaal_error_t err = KAAL_ENOSYS;
        dev->n_rpcs++;
        if (drv->ops.rpc != NULL)
            err = drv->ops.rpc(dev, ev->badge, &ev->msg, &reply);
        reply.label = (uint64_t)err;
        if (reply.n_words > KAAL_DDDK_MSG_WORDS)
            reply.n_words = KAAL_DDDK_MSG_WORDS;
        if (dev->platform->reply != NULL)
            dev->platform->reply(dev->platform->ctx, &reply);
    }
    signal_peers(dev);
}

/* Arms the IN channels the driver can take input on; returns the event
 * bits of those that have input already (arming then withdrew itself). */
static uint64_t arm_inputs(kaal_dddk_device_t *dev)
{
    uint64_t ready = 0;
    for (unsigned i = 0; i < dev->driver->service.n_channels; i++) {
        kaal_dddk_channel_t *ch = &dev->channels[i];
        if (ch->dir != KAAL_DDDK_CHANNEL_IN || ch->busy)
            continue;
        /* A partly read buffer is input too: the ring no longer shows it. */
        if ((ch->in.cur_data != NULL && ch->in.pos < ch->in.cur.length_bytes) ||
            !kaal_ring_consumer_arm(&ch->in.ring.active))
            ready |= ch->event_bit;
    }
    return ready;
}

void kaal_dddk_run(kaal_dddk_device_t *dev)
{
    for (;;) {
        kaal_dddk_event_t ev;
        uint64_t ready = arm_inputs(dev);
        if (ready != 0)
            ev = (kaal_dddk_event_t){.kind = KAAL_DDDK_EVENT_NOTIFY, .bits = ready};
        else
            ev = dev->platform->wait(dev->platform->ctx);
        if (ev.kind == KAAL_DDDK_EVENT_STOP)
            return;
        kaal_dddk_dispatch(dev, &ev);
    }
}

kaal_error_t kaal_dddk_main(kaal_dddk_device_t *dev, const kaal_dddk_platform_t *platform,
                            const char *name)
{
    const kaal_driver_t *drv = kaal_dddk_find(name);
    if (drv == NULL) {
        if (dev != NULL)
            dev->failed_step = "no such driver linked in";
        return KAAL_ENOENT;
    }
    kaal_error_t err = kaal_dddk_start(dev, drv, platform);
    if (err != KAAL_OK)
        return err;
    kaal_dddk_run(dev);
    return KAAL_OK;
}

/* ---- accessors for drivers ---- */

void *kaal_dddk_data(kaal_dddk_device_t *dev)
{
    return dev->driver->data;
}

kaal_dddk_io_t *kaal_dddk_io(kaal_dddk_device_t *dev, unsigned i)
{
    return i < dev->driver->resources.n_io && i < KAAL_DDDK_MAX_IO ? &dev->io[i] : NULL;
}

static bool io_ok(kaal_dddk_io_t *io, uint16_t offset, unsigned width)
{
    if (io != NULL && io->platform != NULL && (uint32_t)offset + width <= io->n_ports)
        return true;
    if (io != NULL)
        io->n_bad_access++;
    return false;
}

static uint32_t io_in(kaal_dddk_io_t *io, uint16_t offset, unsigned width)
{
    if (!io_ok(io, offset, width))
        return 0xffffffffu; /* what a read from an empty ISA bus returns */
    return io->platform->io_in(io->platform->ctx, io->range, (uint16_t)(io->base + offset), width);
}

static void io_out(kaal_dddk_io_t *io, uint16_t offset, unsigned width, uint32_t value)
{
    if (io_ok(io, offset, width))
        io->platform->io_out(io->platform->ctx, io->range, (uint16_t)(io->base + offset), width,
                             value);
}

uint8_t kaal_dddk_in8(kaal_dddk_io_t *io, uint16_t offset)
{
    return (uint8_t)io_in(io, offset, 1);
}

uint16_t kaal_dddk_in16(kaal_dddk_io_t *io, uint16_t offset)
{
    return (uint16_t)io_in(io, offset, 2);
}

uint32_t kaal_dddk_in32(kaal_dddk_io_t *io, uint16_t offset)
{
    return io_in(io, offset, 4);
}

void kaal_dddk_out8(kaal_dddk_io_t *io, uint16_t offset, uint8_t value)
{
    io_out(io, offset, 1, value);
}

void kaal_dddk_out16(kaal_dddk_io_t *io, uint16_t offset, uint16_t value)
{
    io_out(io, offset, 2, value);
}

void kaal_dddk_out32(kaal_dddk_io_t *io, uint16_t offset, uint32_t value)
{
    io_out(io, offset, 4, value);
}

volatile void *kaal_dddk_mmio(kaal_dddk_device_t *dev, unsigned bar)
{
    return bar < KAAL_DDDK_MAX_MMIO ? dev->mmio[bar] : NULL;
}

kaal_bytestream_reader_t *kaal_dddk_in(kaal_dddk_device_t *dev, unsigned ch)
{
    if (ch >= dev->driver->service.n_channels || dev->channels[ch].dir != KAAL_DDDK_CHANNEL_IN)
        return NULL;
    return &dev->channels[ch].in;
}

kaal_bytestream_writer_t *kaal_dddk_out(kaal_dddk_device_t *dev, unsigned ch)
{
    if (ch >= dev->driver->service.n_channels || dev->channels[ch].dir != KAAL_DDDK_CHANNEL_OUT)
        return NULL;
    return &dev->channels[ch].out;
}

void kaal_dddk_channel_busy(kaal_dddk_device_t *dev, unsigned ch, bool busy)
{
    if (ch < dev->driver->service.n_channels)
        dev->channels[ch].busy = busy;
}
