// SPDX-License-Identifier: BSD-2-Clause
/*
 * Device bundles (see <kaal/broker.h>): matching a component's request
 * against the device list, and the one-owner-at-a-time rule.
 *
 * A device is owned by at most one component (kaal_device_t.owner, 0 =
 * free). A claim also fails if any MMIO page or IO port of the device is
 * part of a device another component owns: two BARs can share a 4 KiB page
 * and a frame cap would give both drivers both devices. This file only
 * decides and describes; turning a bundle into caps (frames, IOPort,
 * IRQHandler, DMA memory) is the minting layer's job, written once the
 * kernel's invocations exist.
 */
#include <kaal/broker.h>
#include <kaal/string.h>

#define PAGE_BYTES 4096ull

_Static_assert(KAAL_BUNDLE_MAX_MMIO >= KAAL_DEVICE_MAX_RESOURCES &&
                   KAAL_BUNDLE_MAX_IO >= KAAL_DEVICE_MAX_RESOURCES,
               "a bundle holds every resource of a device");

static bool matches(const kaal_device_t *d, const kaal_device_match_t *m)
{
    switch (m->kind) {
    case KAAL_MATCH_PCI_ID:
        return d->bus == KAAL_BUS_PCI && d->pci.vendor_id == m->vendor_id &&
               d->pci.device_id == m->device_id;
    case KAAL_MATCH_PCI_CLASS:
        return d->bus == KAAL_BUS_PCI && d->pci.class_code == m->class_code &&
               d->pci.subclass == m->subclass && (m->prog_if < 0 || d->pci.prog_if == m->prog_if);
    default: /* KAAL_MATCH_ISA_NAME: kaal_broker_find() checked the kind */
        return d->bus == KAAL_BUS_ISA && strcmp(d->name, m->name) == 0;
    }
}

kaal_broker_find_ret_t kaal_broker_find(const kaal_device_list_t *list,
                                        const kaal_device_match_t *match)
{
    if (match->kind < KAAL_MATCH_PCI_ID || match->kind > KAAL_MATCH_ISA_NAME ||
        (match->kind == KAAL_MATCH_ISA_NAME && !match->name))
        return (kaal_broker_find_ret_t){.err = KAAL_EINVAL};
    unsigned seen = 0;
    for (size_t i = 0; i < list->n_devices; i++) {
        if (matches(&list->devices[i], match) && seen++ == match->instance)
            return (kaal_broker_find_ret_t){.err = KAAL_OK, .index = i};
    }
    return (kaal_broker_find_ret_t){.err = KAAL_ENOENT};
}

/* [start, end) of a resource as the kernel would grant it. */
static void granted_range(const kaal_resource_t *r, uint64_t *start, uint64_t *end)
{
    *start = r->base;
    *end = r->base + r->size;
    if (r->kind == KAAL_RESOURCE_MMIO) {
        *start &= ~(PAGE_BYTES - 1);
        *end = (*end + PAGE_BYTES - 1) & ~(PAGE_BYTES - 1);
    }
}

/* A BAR with no address (firmware left it, and no window had room) is
 * never handed out. */
static bool grantable(const kaal_resource_t *r)
{
    return r->size != 0 && !(r->flags & KAAL_RES_UNASSIGNED);
}

static bool resources_clash(const kaal_resource_t *a, const kaal_resource_t *b)
{
    if (a->kind != b->kind || !grantable(a) || !grantable(b))
        return false;
    uint64_t a0, a1, b0, b1;
    granted_range(a, &a0, &a1);
    granted_range(b, &b0, &b1);
    return a0 < b1 && b0 < a1;
}

/* Does d share an MMIO page or IO port with a device another owner holds?
 * Sets *irq_shared if it shares an interrupt line with one. */
static bool clashes(const kaal_device_list_t *list, const kaal_device_t *d, uint32_t owner,
                    bool *irq_shared)
{
    for (size_t i = 0; i < list->n_devices; i++) {
        const kaal_device_t *o = &list->devices[i];
        if (o == d || o->owner == 0 || o->owner == owner)
            continue;
        for (unsigned a = 0; a < d->n_resources; a++) {
            for (unsigned b = 0; b < o->n_resources; b++) {
                if (!resources_clash(&d->resources[a], &o->resources[b]))
                    continue;
                if (d->resources[a].kind != KAAL_RESOURCE_IRQ)
                    return true;
                *irq_shared = true;
            }
        }
    }
    return false;
}

static void describe(const kaal_device_t *d, kaal_bundle_t *b)
{
    for (unsigned i = 0; i < d->n_resources; i++) {
        const kaal_resource_t *r = &d->resources[i];
        if (!grantable(r))
            continue;
        if (r->kind == KAAL_RESOURCE_MMIO) {
            uint64_t start, end;
            granted_range(r, &start, &end);
            b->mmio[b->n_mmio++] =
                (kaal_bundle_mmio_t){.paddr = start,
                                     .n_pages = (end - start) / PAGE_BYTES,
                                     .offset = r->base - start,
                                     .size_bytes = r->size,
                                     .bar = r->bar,
                                     .prefetchable = (r->flags & KAAL_RES_PREFETCHABLE) != 0};
        } else if (r->kind == KAAL_RESOURCE_IO) {
            b->io[b->n_io++] =
                (kaal_bundle_io_t){.base = (uint16_t)r->base, .n_ports = (uint16_t)r->size};
        } else if (!b->has_irq) {
            b->has_irq = true;
            b->irq.gsi = (uint32_t)r->base;
            b->irq.isa_irq = r->isa_irq;
            b->irq.level = (r->flags & KAAL_RES_LEVEL) != 0;
            b->irq.active_low = (r->flags & KAAL_RES_ACTIVE_LOW) != 0;
        }
    }
}

kaal_error_t kaal_broker_claim(kaal_device_list_t *list, const kaal_bundle_request_t *req,
                               kaal_bundle_t *bundle)
{
    if (req->owner == 0)
        return KAAL_EINVAL;
    kaal_broker_find_ret_t found = kaal_broker_find(list, &req->match);
    if (found.err != KAAL_OK)
        return found.err;
    kaal_device_t *d = &list->devices[found.index];
    if (d->owner == req->owner)
        return KAAL_EEXIST;
    if (d->owner != 0)
        return KAAL_EBUSY;
    bool irq_shared = false;
    if (clashes(list, d, req->owner, &irq_shared))
        return KAAL_EBUSY;
    d->owner = req->owner;
    memset(bundle, 0, sizeof(*bundle));
    bundle->device_index = found.index;
    bundle->device = d;
    describe(d, bundle);
    bundle->irq.shared = irq_shared;
    bundle->dma_n_pages =
        req->dma_size_bytes / PAGE_BYTES + (req->dma_size_bytes % PAGE_BYTES != 0);
    return KAAL_OK;
}

kaal_error_t kaal_broker_release(kaal_device_list_t *list, size_t device_index, uint32_t owner)
{
    if (device_index >= list->n_devices)
        return KAAL_ENOENT;
    kaal_device_t *d = &list->devices[device_index];
    if (owner == 0 || d->owner != owner)
        return KAAL_EINVAL;
    d->owner = 0;
    return KAAL_OK;
}

size_t kaal_broker_release_all(kaal_device_list_t *list, uint32_t owner)
{
    size_t n = 0;
    for (size_t i = 0; owner != 0 && i < list->n_devices; i++) {
        if (list->devices[i].owner == owner) {
            list->devices[i].owner = 0;
            n++;
        }
    }
    return n;
}

const char *kaal_broker_claim_error(kaal_error_t err)
{
    switch (err) {
    case KAAL_OK: return "granted";
    case KAAL_EINVAL: return "malformed device request";
    case KAAL_ENOENT: return "no such device";
    case KAAL_EEXIST: return "device already owned by the requester";
    case KAAL_EBUSY: return "device (or a resource it shares) owned by another component";
    default: return kaal_strerror(err);
    }
}
