// SPDX-License-Identifier: BSD-2-Clause
/*
 * The virtio 1.x PCI device model of tests/unit/test_virtio.c and the
 * virtio-net driver's tests (model.h). Register semantics follow virtio
 * 1.2 §4.1.4.3: writing 0 to device_status resets everything; FEATURES_OK
 * sticks only if the driver's features are a subset of the offer with
 * VERSION_1; queue registers act on queue_select. The device side of the
 * rings reads descriptors and the available ring the driver wrote and
 * writes used entries, all through the addresses the driver gave (host
 * pointers here).
 */
#include "model.h"

#include <string.h>

static model_queue_t *selected(model_t *m)
{
    return m->qselect < m->n_queues ? &m->q[m->qselect] : NULL;
}

static void reset(model_t *m)
{
    m->status = 0;
    m->driver_features = 0;
    m->dfselect = m->gfselect = 0;
    m->isr = 0;
    for (unsigned i = 0; i < MODEL_MAX_QUEUES; i++) {
        uint16_t max = m->q[i].max_size, off = m->q[i].notify_off;
        memset(&m->q[i], 0, sizeof(m->q[i]));
        m->q[i].max_size = max;
        m->q[i].size = max;
        m->q[i].notify_off = off;
    }
}

static uint32_t common_read(model_t *m, uint32_t off)
{
    model_queue_t *q = selected(m);
    switch (off) {
    case KAAL_VIRTIO_COMMON_DFSELECT: return m->dfselect;
    case KAAL_VIRTIO_COMMON_DF:
        return m->dfselect < 2 ? (uint32_t)(m->features >> (32 * m->dfselect)) : 0;
    case KAAL_VIRTIO_COMMON_GFSELECT: return m->gfselect;
    case KAAL_VIRTIO_COMMON_GF:
        return m->gfselect < 2 ? (uint32_t)(m->driver_features >> (32 * m->gfselect)) : 0;
    case KAAL_VIRTIO_COMMON_NUMQ: return m->n_queues;
    case KAAL_VIRTIO_COMMON_STATUS: return m->stuck_in_reset ? 0x40 : m->status;
    case KAAL_VIRTIO_COMMON_CFGGENERATION: return m->generation;
    case KAAL_VIRTIO_COMMON_Q_SELECT: return m->qselect;
    case KAAL_VIRTIO_COMMON_Q_SIZE: return q ? q->size : 0;
    case KAAL_VIRTIO_COMMON_Q_ENABLE: return q ? q->enabled : 0;
    case KAAL_VIRTIO_COMMON_Q_NOFF: return q ? q->notify_off : 0;
    default: return 0;
    }
}

static void set_half(uint64_t *v, uint32_t off, uint32_t lo_off, uint32_t value)
{
    unsigned shift = off == lo_off ? 0 : 32;
    *v = (*v & ~(0xffffffffull << shift)) | (uint64_t)value << shift;
}

static void common_write(model_t *m, uint32_t off, uint32_t value)
{
    model_queue_t *q = selected(m);
    switch (off) {
    case KAAL_VIRTIO_COMMON_DFSELECT: m->dfselect = value; break;
    case KAAL_VIRTIO_COMMON_GFSELECT: m->gfselect = value; break;
    case KAAL_VIRTIO_COMMON_GF:
        if (m->gfselect < 2)
            set_half(&m->driver_features, m->gfselect ? 4 : 0, 0, value);
        break;
    case KAAL_VIRTIO_COMMON_STATUS:
        if (value == 0) {
            reset(m);
            break;
        }
        if ((value & KAAL_VIRTIO_STATUS_FEATURES_OK) &&
            (m->refuse_features || (m->driver_features & ~m->features) ||
             !(m->driver_features & KAAL_VIRTIO_F_VERSION_1)))
            value &= ~KAAL_VIRTIO_STATUS_FEATURES_OK;
        m->status = (uint8_t)value;
        break;
    case KAAL_VIRTIO_COMMON_Q_SELECT: m->qselect = (uint16_t)value; break;
    case KAAL_VIRTIO_COMMON_Q_SIZE:
        if (q)
            q->size = (uint16_t)value;
        break;
    case KAAL_VIRTIO_COMMON_Q_ENABLE:
        if (q)
            q->enabled = value & 1;
        break;
    case KAAL_VIRTIO_COMMON_Q_DESCLO:
    case KAAL_VIRTIO_COMMON_Q_DESCHI:
        if (q)
            set_half(&q->desc, off, KAAL_VIRTIO_COMMON_Q_DESCLO, value);
        break;
    case KAAL_VIRTIO_COMMON_Q_AVAILLO:
    case KAAL_VIRTIO_COMMON_Q_AVAILHI:
        if (q)
            set_half(&q->avail, off, KAAL_VIRTIO_COMMON_Q_AVAILLO, value);
        break;
    case KAAL_VIRTIO_COMMON_Q_USEDLO:
    case KAAL_VIRTIO_COMMON_Q_USEDHI:
        if (q)
            set_half(&q->used, off, KAAL_VIRTIO_COMMON_Q_USEDLO, value);
        break;
    default: break;
    }
}

static uint32_t model_read(void *ctx, kaal_virtio_region_t region, uint32_t off, unsigned width)
{
    model_t *m = ctx;
    uint32_t v = 0;
    switch (region) {
    case KAAL_VIRTIO_REGION_COMMON: v = common_read(m, off); break;
    case KAAL_VIRTIO_REGION_ISR:
        v = m->isr;
        m->isr = 0;
        break;
    case KAAL_VIRTIO_REGION_DEVICE:
        if (off + width <= MODEL_DEVICE_CFG_BYTES)
            memcpy(&v, &m->device_cfg[off], width);
        break;
    default: break;
    }
    return width == 4 ? v : v & ((1u << (8 * width)) - 1);
}

static void model_write(void *ctx, kaal_virtio_region_t region, uint32_t off, unsigned width,
                        uint32_t value)
{
    (void)width;
    model_t *m = ctx;
    if (region == KAAL_VIRTIO_REGION_COMMON)
        common_write(m, off, value);
    else if (region == KAAL_VIRTIO_REGION_NOTIFY && value < m->n_queues &&
             off == m->q[value].notify_off * m->notify_multiplier)
        m->q[value].n_notified++;
}

static void put_cap(uint8_t *c, uint8_t at, uint8_t next, uint8_t type, uint8_t bar,
                    uint32_t offset, uint32_t length, uint8_t len)
{
    c[at] = 0x09;
    c[at + 1] = next;
    c[at + 2] = len;
    c[at + 3] = type;
    c[at + 4] = bar;
    memcpy(&c[at + 8], &offset, 4);
    memcpy(&c[at + 12], &length, 4);
}

void model_init(model_t *m, uint64_t features, uint16_t n_queues, uint16_t max_size)
{
    memset(m, 0, sizeof(*m));
    m->features = features;
    m->n_queues = n_queues;
    m->notify_multiplier = 4;
    for (unsigned i = 0; i < MODEL_MAX_QUEUES; i++) {
        m->q[i].max_size = max_size;
        m->q[i].notify_off = (uint16_t)i;
    }
    reset(m);
    /* QEMU's order: MSI-X at 0x98, then the virtio caps from 0x84 down. */
    uint8_t *c = m->config;
    c[0] = 0xf4, c[1] = 0x1a, c[2] = 0x00, c[3] = 0x10;
    c[0x06] = 0x10;
    c[0x34] = 0x98;
    c[0x98] = 0x11, c[0x99] = 0x84; /* MSI-X, not virtio's */
    put_cap(c, 0x84, 0x70, KAAL_VIRTIO_PCI_CAP_PCI_CFG, 0, 0, 0, 20);
    put_cap(c, 0x70, 0x60, KAAL_VIRTIO_PCI_CAP_NOTIFY_CFG, 4, 0x3000, 0x1000, 20);
    uint32_t mult = 4;
    memcpy(&c[0x70 + 16], &mult, 4);
    put_cap(c, 0x60, 0x50, KAAL_VIRTIO_PCI_CAP_DEVICE_CFG, 4, 0x2000, 0x1000, 16);
    put_cap(c, 0x50, 0x40, KAAL_VIRTIO_PCI_CAP_ISR_CFG, 4, 0x1000, 0x1000, 16);
    put_cap(c, 0x40, 0x00, KAAL_VIRTIO_PCI_CAP_COMMON_CFG, 4, 0x0000, 0x1000, 16);
    m->io = (kaal_virtio_io_t){.ctx = m, .read = model_read, .write = model_write};
}

/* ---- the device side of the rings ---------------------------------------- */

static kaal_virtq_desc_t *desc_at(model_queue_t *q, uint16_t i)
{
    return &((kaal_virtq_desc_t *)(uintptr_t)q->desc)[i % q->size];
}

static int next_chain(model_queue_t *q)
{
    kaal_virtq_avail_t *a = (kaal_virtq_avail_t *)(uintptr_t)q->avail;
    if (!q->enabled || __atomic_load_n(&a->idx, __ATOMIC_ACQUIRE) == q->last_avail)
        return -1;
    return a->ring[q->last_avail++ % q->size] % q->size;
}

void model_post_used(model_t *m, unsigned qi, uint32_t id, uint32_t len)
{
    model_queue_t *q = &m->q[qi];
    kaal_virtq_used_t *u = (kaal_virtq_used_t *)(uintptr_t)q->used;
    u->ring[q->used_idx % q->size] = (kaal_virtq_used_elem_t){id, len};
    q->used_idx++;
    __atomic_store_n(&u->idx, q->used_idx, __ATOMIC_RELEASE);
    m->isr |= KAAL_VIRTIO_ISR_QUEUE;
}

void model_set_used_idx(model_t *m, unsigned qi, uint16_t idx)
{
    model_queue_t *q = &m->q[qi];
    q->used_idx = idx;
    __atomic_store_n(&((kaal_virtq_used_t *)(uintptr_t)q->used)->idx, idx, __ATOMIC_RELEASE);
}

int model_fill(model_t *m, unsigned qi, const void *data, uint32_t n)
{
    model_queue_t *q = &m->q[qi];
    int head = next_chain(q);
    if (head < 0)
        return -1;
    uint32_t done = 0;
    uint16_t d = (uint16_t)head;
    for (unsigned hops = 0; hops < q->size; hops++) {
        kaal_virtq_desc_t *e = desc_at(q, d);
        if (e->flags & KAAL_VIRTQ_DESC_F_WRITE) {
            uint32_t k = n - done < e->len ? n - done : e->len;
            memcpy((void *)(uintptr_t)e->addr, (const uint8_t *)data + done, k);
            done += k;
        }
        if (!(e->flags & KAAL_VIRTQ_DESC_F_NEXT))
            break;
        d = e->next;
    }
    model_post_used(m, qi, (uint32_t)head, done);
    return (int)done;
}

int model_drain(model_t *m, unsigned qi, void *out, uint32_t max)
{
    model_queue_t *q = &m->q[qi];
    int head = next_chain(q);
    if (head < 0)
        return -1;
    uint32_t done = 0;
    uint16_t d = (uint16_t)head;
    for (unsigned hops = 0; hops < q->size; hops++) {
        kaal_virtq_desc_t *e = desc_at(q, d);
        if (!(e->flags & KAAL_VIRTQ_DESC_F_WRITE)) {
            uint32_t k = max - done < e->len ? max - done : e->len;
            memcpy((uint8_t *)out + done, (const void *)(uintptr_t)e->addr, k);
            done += k;
        }
        if (!(e->flags & KAAL_VIRTQ_DESC_F_NEXT))
            break;
        d = e->next;
    }
    model_post_used(m, qi, (uint32_t)head, 0);
    return (int)done;
}
