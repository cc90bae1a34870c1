// SPDX-License-Identifier: BSD-2-Clause
/*
 * The virtio 1.x PCI transport (virtio 1.2 §4.1), driver side: finding the
 * modern register windows in the capability list, the device status
 * protocol, feature negotiation, the ISR and device-specific config.
 *
 * Model: a device is four register windows (common, notify, ISR, device
 * config), each a (BAR, offset, length) triple from a vendor-specific PCI
 * capability; every access goes through kaal_virtio_io_t after a bounds
 * check against the window's length, so a driver bug or a lying capability
 * never reaches outside the window. In the guest the windows are inside
 * BARs init mapped uncached (kaal_virtio_init_mmio); host tests plug in a
 * device model.
 *
 * The capability walk trusts nothing in the snapshot: pointers must stay
 * inside the 256 bytes and above the standard header, a walk visits at
 * most 48 capabilities (the most 192 bytes can hold), each virtio one must
 * be at least 16 bytes (20 for NOTIFY_CFG).
 */
#include <kaal/virtio.h>

#define CAP_LIST_STATUS 0x06
#define CAP_LIST_BIT 0x10
#define CAP_PTR 0x34
#define CAP_VENDOR 0x09
#define HEADER_BYTES 0x40
#define MAX_CAPS 48
#define RESET_POLLS 1000000u

static uint32_t le32_at(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static kaal_virtio_caps_ret_t caps_error(kaal_error_t err, const char *why)
{
    return (kaal_virtio_caps_ret_t){.err = err, .why = why};
}

kaal_virtio_caps_ret_t kaal_virtio_pci_find_caps(const uint8_t config[256],
                                                 kaal_virtio_pci_caps_t *caps)
{
    *caps = (kaal_virtio_pci_caps_t){0};
    if (!(config[CAP_LIST_STATUS] & CAP_LIST_BIT))
        return caps_error(KAAL_ENOENT, "the device has no capability list (legacy virtio only)");
    uint8_t ptr = config[CAP_PTR] & 0xfc;
    for (unsigned n = 0; ptr != 0; n++) {
        if (n == MAX_CAPS)
            return caps_error(KAAL_EFORMAT, "the capability list loops");
        if (ptr < HEADER_BYTES || ptr > 256 - 2)
            return caps_error(KAAL_EFORMAT, "a capability pointer leaves config space");
        const uint8_t *c = &config[ptr];
        uint8_t next = c[1] & 0xfc;
        if (c[0] == CAP_VENDOR) {
            if (ptr + 16u > 256)
                return caps_error(KAAL_EFORMAT, "a virtio capability is too short");
            uint8_t len = c[2];
            if (len < 16 || ptr + (unsigned)len > 256)
                return caps_error(KAAL_EFORMAT, "a virtio capability is too short");
            uint8_t type = c[3], bar = c[4];
            kaal_virtio_window_t *w = NULL;
            switch (type) {
            case KAAL_VIRTIO_PCI_CAP_COMMON_CFG: w = &caps->common; break;
            case KAAL_VIRTIO_PCI_CAP_NOTIFY_CFG: w = &caps->notify; break;
            case KAAL_VIRTIO_PCI_CAP_ISR_CFG: w = &caps->isr; break;
            case KAAL_VIRTIO_PCI_CAP_DEVICE_CFG: w = &caps->device; break;
            default: break; /* PCI_CFG, shared memory, vendor data: not used */
            }
            /* §4.1.4.1: skip capabilities with a reserved BAR value. */
            if (w != NULL && !w->present && bar <= 5) {
                if (type == KAAL_VIRTIO_PCI_CAP_NOTIFY_CFG) {
                    if (len < 20)
                        return caps_error(KAAL_EFORMAT, "the notify capability is too short");
                    caps->notify_off_multiplier = le32_at(c + 16);
                }
                *w = (kaal_virtio_window_t){.present = true,
                                            .bar = bar,
                                            .offset = le32_at(c + 8),
                                            .length = le32_at(c + 12)};
            }
        }
        ptr = next;
    }
    if (!caps->common.present && !caps->notify.present && !caps->isr.present)
        return caps_error(KAAL_ENOENT, "the device has no virtio 1.x capabilities "
                                       "(legacy virtio only)");
    if (!caps->common.present || !caps->notify.present || !caps->isr.present)
        return caps_error(KAAL_EFORMAT, "the device lacks the common, notify or ISR window");
    return (kaal_virtio_caps_ret_t){.err = KAAL_OK};
}

/* ---- MMIO access ---------------------------------------------------------- */

static uint32_t mmio_read(void *ctx, kaal_virtio_region_t region, uint32_t offset, unsigned width)
{
    volatile uint8_t *p = ((kaal_virtio_mmio_t *)ctx)->base[region] + offset;
    if (width == 1)
        return *p;
    if (width == 2)
        return *(volatile uint16_t *)p;
    return *(volatile uint32_t *)p;
}

static void mmio_write(void *ctx, kaal_virtio_region_t region, uint32_t offset, unsigned width,
                       uint32_t value)
{
    volatile uint8_t *p = ((kaal_virtio_mmio_t *)ctx)->base[region] + offset;
    if (width == 1)
        *p = (uint8_t)value;
    else if (width == 2)
        *(volatile uint16_t *)p = (uint16_t)value;
    else
        *(volatile uint32_t *)p = value;
}

static kaal_error_t init_common(kaal_virtio_t *dev, const kaal_virtio_pci_caps_t *caps)
{
    const kaal_virtio_window_t *w[KAAL_VIRTIO_N_REGIONS] = {&caps->common, &caps->notify,
                                                            &caps->isr, &caps->device};
    for (unsigned r = 0; r < KAAL_VIRTIO_N_REGIONS; r++)
        dev->length[r] = w[r]->present ? w[r]->length : 0;
    dev->notify_off_multiplier = caps->notify_off_multiplier;
    dev->features = 0;
    dev->why = NULL;
    if (dev->length[KAAL_VIRTIO_REGION_COMMON] < KAAL_VIRTIO_COMMON_BYTES) {
        dev->why = "the common configuration window is shorter than virtio 1.x's layout";
        return KAAL_EFORMAT;
    }
    if (dev->length[KAAL_VIRTIO_REGION_ISR] < 1 || dev->length[KAAL_VIRTIO_REGION_NOTIFY] < 2) {
        dev->why = "the ISR or notify window is empty";
        return KAAL_EFORMAT;
    }
    return KAAL_OK;
}

kaal_error_t kaal_virtio_init_mmio(kaal_virtio_t *dev, kaal_virtio_mmio_t *mmio,
                                   const kaal_virtio_pci_caps_t *caps,
                                   volatile void *const bar_vaddr[6], const uint64_t bar_size[6])
{
    const kaal_virtio_window_t *w[KAAL_VIRTIO_N_REGIONS] = {&caps->common, &caps->notify,
                                                            &caps->isr, &caps->device};
    kaal_error_t err = init_common(dev, caps);
    if (err)
        return err;
    for (unsigned r = 0; r < KAAL_VIRTIO_N_REGIONS; r++) {
        mmio->base[r] = NULL;
        if (!w[r]->present)
            continue;
        if (bar_vaddr[w[r]->bar] == NULL) {
            dev->why = "a virtio register window is in a BAR that is not mapped";
            return KAAL_ENOENT;
        }
        if ((uint64_t)w[r]->offset + w[r]->length > bar_size[w[r]->bar]) {
            dev->why = "a virtio register window reaches past its BAR";
            return KAAL_ERANGE;
        }
        mmio->base[r] = (volatile uint8_t *)bar_vaddr[w[r]->bar] + w[r]->offset;
    }
    dev->io = (kaal_virtio_io_t){.ctx = mmio, .read = mmio_read, .write = mmio_write};
    return KAAL_OK;
}

kaal_error_t kaal_virtio_init_io(kaal_virtio_t *dev, const kaal_virtio_io_t *io,
                                 const kaal_virtio_pci_caps_t *caps)
{
    kaal_error_t err = init_common(dev, caps);
    dev->io = *io;
    return err;
}

/* ---- registers ------------------------------------------------------------ */

static uint32_t rd(kaal_virtio_t *dev, kaal_virtio_region_t r, uint32_t off, unsigned width)
{
    if (off + width > dev->length[r] || off + width < off)
        return 0;
    return dev->io.read(dev->io.ctx, r, off, width);
}

static void wr(kaal_virtio_t *dev, kaal_virtio_region_t r, uint32_t off, unsigned width,
               uint32_t value)
{
    if (off + width > dev->length[r] || off + width < off)
        return;
    dev->io.write(dev->io.ctx, r, off, width, value);
}

#define COMMON KAAL_VIRTIO_REGION_COMMON

uint8_t kaal_virtio_status(kaal_virtio_t *dev)
{
    return (uint8_t)rd(dev, COMMON, KAAL_VIRTIO_COMMON_STATUS, 1);
}

kaal_error_t kaal_virtio_reset(kaal_virtio_t *dev)
{
    wr(dev, COMMON, KAAL_VIRTIO_COMMON_STATUS, 1, 0);
    for (unsigned i = 0; i < RESET_POLLS; i++)
        if (kaal_virtio_status(dev) == 0)
            return KAAL_OK;
    dev->why = "the device did not finish its reset";
    return KAAL_EIO;
}

void kaal_virtio_add_status(kaal_virtio_t *dev, uint8_t bits)
{
    wr(dev, COMMON, KAAL_VIRTIO_COMMON_STATUS, 1, kaal_virtio_status(dev) | bits);
}

static uint64_t device_features(kaal_virtio_t *dev)
{
    uint64_t f = 0;
    for (uint32_t half = 0; half < 2; half++) {
        wr(dev, COMMON, KAAL_VIRTIO_COMMON_DFSELECT, 4, half);
        f |= (uint64_t)rd(dev, COMMON, KAAL_VIRTIO_COMMON_DF, 4) << (32 * half);
    }
    return f;
}

kaal_error_t kaal_virtio_negotiate(kaal_virtio_t *dev, uint64_t wanted, uint64_t required)
{
    required |= KAAL_VIRTIO_F_VERSION_1;
    wanted |= required;
    uint64_t offered = device_features(dev);
    uint64_t accept = offered & wanted;
    if (required & ~accept) {
        dev->why = (required & ~accept) & KAAL_VIRTIO_F_VERSION_1
                       ? "the device does not offer VIRTIO_F_VERSION_1 (legacy only)"
                       : "the device does not offer a feature the driver requires";
        kaal_virtio_add_status(dev, KAAL_VIRTIO_STATUS_FAILED);
        return KAAL_ENOSYS;
    }
    for (uint32_t half = 0; half < 2; half++) {
        wr(dev, COMMON, KAAL_VIRTIO_COMMON_GFSELECT, 4, half);
        wr(dev, COMMON, KAAL_VIRTIO_COMMON_GF, 4, (uint32_t)(accept >> (32 * half)));
    }
    kaal_virtio_add_status(dev, KAAL_VIRTIO_STATUS_FEATURES_OK);
    if (!(kaal_virtio_status(dev) & KAAL_VIRTIO_STATUS_FEATURES_OK)) {
        dev->why = "the device did not accept the features (FEATURES_OK cleared)";
        kaal_virtio_add_status(dev, KAAL_VIRTIO_STATUS_FAILED);
        return KAAL_EIO;
    }
    dev->features = accept;
    return KAAL_OK;
}

kaal_error_t kaal_virtio_check(kaal_virtio_t *dev)
{
    uint8_t s = kaal_virtio_status(dev);
    if (s & KAAL_VIRTIO_STATUS_DEVICE_NEEDS_RESET) {
        dev->why = "the device needs a reset (DEVICE_NEEDS_RESET)";
        return KAAL_EIO;
    }
    if (s & KAAL_VIRTIO_STATUS_FAILED) {
        dev->why = "the device status says FAILED";
        return KAAL_EIO;
    }
    return KAAL_OK;
}

kaal_error_t kaal_virtio_driver_ok(kaal_virtio_t *dev)
{
    kaal_virtio_add_status(dev, KAAL_VIRTIO_STATUS_DRIVER_OK);
    return kaal_virtio_check(dev);
}

uint8_t kaal_virtio_isr(kaal_virtio_t *dev)
{
    return (uint8_t)rd(dev, KAAL_VIRTIO_REGION_ISR, 0, 1);
}

uint32_t kaal_virtio_config_read(kaal_virtio_t *dev, uint32_t offset, unsigned width)
{
    uint32_t v = 0;
    for (unsigned tries = 0; tries < 16; tries++) {
        uint32_t gen = rd(dev, COMMON, KAAL_VIRTIO_COMMON_CFGGENERATION, 1);
        v = rd(dev, KAAL_VIRTIO_REGION_DEVICE, offset, width);
        if (rd(dev, COMMON, KAAL_VIRTIO_COMMON_CFGGENERATION, 1) == gen)
            break;
    }
    return v;
}

void kaal_virtio_config_bytes(kaal_virtio_t *dev, uint32_t offset, uint8_t *out, unsigned n)
{
    for (unsigned tries = 0; tries < 16; tries++) {
        uint32_t gen = rd(dev, COMMON, KAAL_VIRTIO_COMMON_CFGGENERATION, 1);
        for (unsigned i = 0; i < n; i++)
            out[i] = (uint8_t)rd(dev, KAAL_VIRTIO_REGION_DEVICE, offset + i, 1);
        if (rd(dev, COMMON, KAAL_VIRTIO_COMMON_CFGGENERATION, 1) == gen)
            break;
    }
}

/* ---- queue registers (used by virtq.c) ------------------------------------ */

uint16_t kaal_virtq_max_size(kaal_virtio_t *dev, uint16_t index)
{
    if (index >= rd(dev, COMMON, KAAL_VIRTIO_COMMON_NUMQ, 2))
        return 0;
    wr(dev, COMMON, KAAL_VIRTIO_COMMON_Q_SELECT, 2, index);
    return (uint16_t)rd(dev, COMMON, KAAL_VIRTIO_COMMON_Q_SIZE, 2);
}

static void wr64(kaal_virtio_t *dev, uint32_t lo_off, uint64_t v)
{
    wr(dev, COMMON, lo_off, 4, (uint32_t)v);
    wr(dev, COMMON, lo_off + 4, 4, (uint32_t)(v >> 32));
}

kaal_error_t kaal_virtq_setup(kaal_virtio_t *dev, kaal_virtq_t *q)
{
    uint16_t max = kaal_virtq_max_size(dev, q->index);
    if (max == 0) {
        dev->why = "the device has no such queue";
        return KAAL_ENOENT;
    }
    if (q->size > max) {
        dev->why = "the queue is larger than the device allows";
        return KAAL_ERANGE;
    }
    /* queue_select is still q->index (kaal_virtq_max_size set it). */
    uint32_t noff = rd(dev, COMMON, KAAL_VIRTIO_COMMON_Q_NOFF, 2);
    uint64_t at = (uint64_t)noff * dev->notify_off_multiplier;
    if (at + 2 > dev->length[KAAL_VIRTIO_REGION_NOTIFY]) {
        dev->why = "the queue's notify address lies outside the notify window";
        return KAAL_EFORMAT;
    }
    q->notify_offset = (uint32_t)at;
    wr(dev, COMMON, KAAL_VIRTIO_COMMON_Q_SIZE, 2, q->size);
    wr(dev, COMMON, KAAL_VIRTIO_COMMON_Q_MSIX, 2, 0xffff); /* NO_VECTOR: INTx */
    wr64(dev, KAAL_VIRTIO_COMMON_Q_DESCLO, q->desc_paddr);
    wr64(dev, KAAL_VIRTIO_COMMON_Q_AVAILLO, q->avail_paddr);
    wr64(dev, KAAL_VIRTIO_COMMON_Q_USEDLO, q->used_paddr);
    wr(dev, COMMON, KAAL_VIRTIO_COMMON_Q_ENABLE, 2, 1);
    return KAAL_OK;
}

void kaal_virtq_notify(kaal_virtio_t *dev, kaal_virtq_t *q)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* the ring before the doorbell */
    wr(dev, KAAL_VIRTIO_REGION_NOTIFY, q->notify_offset, 2, q->index);
}
