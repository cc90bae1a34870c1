// SPDX-License-Identifier: BSD-2-Clause
/*
 * PCI device grants in init: what system.toml's `devices = ["e1000"]` and
 * `dma = "64KiB"` become for a component (docs/system-toml.md, "PCI
 * devices"). The compiler lays out the component's address space and names
 * each resource; what is only known at boot (where the broker placed the
 * BARs, which IOAPIC input the INTx reaches, where contiguous RAM is free)
 * is decided here and written into the start record.
 *
 *   PCI_MMIO    4 KiB frames retyped from the device untyped covering the
 *               BAR, mapped uncached (and never executable) at the vaddr the
 *               compiler chose; only pages inside the BAR (a BAR that does
 *               not cover whole pages is refused, since its page would hold
 *               another device's registers);
 *   PCI_IOPORT  an I/O port cap for exactly the BAR's ports;
 *   PCI_IRQ     an IRQHandler for the IOAPIC input of the device's INTx,
 *               with the broker's trigger mode and polarity;
 *   DMA         a free RAM block of the next power-of-two size is found
 *               with the untyped manager, given back, and its first pages
 *               are retyped at their physical addresses: physically
 *               contiguous frames, mapped cached (x86 DMA is coherent); the
 *               physical address (seL4_X86_Page_GetAddress, checked per
 *               frame) goes into the start record.
 *
 * The start record also gets a snapshot of the function's 256 bytes of
 * standard config space (header and capability list: virtio's register
 * blocks are found there); the component gets no config-space access. The
 * claim turns bus mastering on (the driver's device may then DMA) and the
 * release turns it off again, so a device whose driver stopped cannot
 * write into frames that went back to the free pool.
 *
 * Invariants: every frame is in the component's object list, so stopping it
 * frees them (device untyped merges back, RAM returns to the free total);
 * the device is claimed from the broker (one owner; no other device sharing
 * a page or port may be claimed by someone else) while the component exists
 * and released when it stops.
 */
#include "pcigrant.h"
#include "devices.h"

#include <kaal/pci.h>
#include <kaal/string.h>

bool init_is_pci_grant(const kaal_sysdesc_cap_t *cap)
{
    return cap->kind == KAAL_SYSDESC_CAP_PCI_MMIO || cap->kind == KAAL_SYSDESC_CAP_PCI_IOPORT ||
           cap->kind == KAAL_SYSDESC_CAP_PCI_IRQ || cap->kind == KAAL_SYSDESC_CAP_DMA;
}

/* The start record's entry for the device with this id, claiming the device
 * when the component does not hold it yet. */
static const char *claim(uint32_t owner_id, uint32_t id, kaal_component_start_t *start,
                         kaal_device_t **dev, kaal_component_pci_t **entry)
{
    kaal_bundle_request_t req = {
        .match = { .kind = KAAL_MATCH_PCI_ID, .vendor_id = (uint16_t)(id >> 16),
                   .device_id = (uint16_t)id },
        .owner = owner_id,
    };
    kaal_broker_find_ret_t found = kaal_broker_find(&init_devices, &req.match);
    if (found.err)
        return "its PCI device is not in this machine";
    *dev = &init_devices.devices[found.index];
    for (seL4_Word i = 0; i < start->n_pci; i++) {
        if (start->pci[i].id == id) {
            *entry = &start->pci[i];
            return NULL; /* claimed for this start already */
        }
    }
    if (start->n_pci == KAAL_COMPONENT_MAX_PCI)
        return "more PCI devices than the start record holds";
    kaal_bundle_t bundle;
    kaal_error_t err = kaal_broker_claim(&init_devices, &req, &bundle);
    if (err)
        return kaal_broker_claim_error(err);
    kaal_component_pci_t *e = &start->pci[start->n_pci++];
    memset(e, 0, sizeof(*e));
    e->id = id;
    e->bus = (*dev)->pci.bus;
    e->dev = (*dev)->pci.dev;
    e->fn = (*dev)->pci.fn;
    for (uint16_t off = 0; off < KAAL_COMPONENT_PCI_CONFIG_BYTES; off += 4) {
        uint32_t v = init_pci_config_read32(&(*dev)->pci, off);
        memcpy(&e->config[off], &v, 4);
    }
    uint32_t cmd = init_pci_config_read32(&(*dev)->pci, KAAL_PCI_COMMAND) & 0xffffu;
    init_pci_config_write32(&(*dev)->pci, KAAL_PCI_COMMAND, cmd | KAAL_PCI_CMD_BUS_MASTER);
    *entry = e;
    return NULL;
}

static const kaal_resource_t *find_resource(const kaal_device_t *d, kaal_resource_kind_t kind,
                                            unsigned bar)
{
    for (unsigned i = 0; i < d->n_resources; i++) {
        const kaal_resource_t *r = &d->resources[i];
        if (r->kind != kind || r->size == 0 || (r->flags & KAAL_RES_UNASSIGNED))
            continue;
        if (kind == KAAL_RESOURCE_IRQ || ((r->flags & KAAL_RES_BAR) && r->bar == bar))
            return r;
    }
    return NULL;
}

static const char *grant_mmio(struct init_objects *objects, seL4_CPtr vspace, seL4_CPtr cnode,
                              unsigned bits, const kaal_sysdesc_cap_t *cap,
                              const kaal_device_t *d, kaal_component_pci_t *e)
{
    unsigned bar = KAAL_SYSDESC_PCI_BAR(cap->arg0);
    const kaal_resource_t *r = find_resource(d, KAAL_RESOURCE_MMIO, bar);
    if (r == NULL)
        return "its device has no such memory BAR (or it is unassigned)";
    if ((r->base | r->size) & (PAGE - 1))
        return "its memory BAR does not cover whole pages";
    if (r->size > 1ull << KAAL_SYSDESC_PCI_SIZE_BITS(cap->arg0))
        return "its memory BAR is larger than the window system.toml reserves";
    seL4_CPtr first = 0;
    for (uint64_t off = 0; off < r->size; off += PAGE) {
        kaal_ut_alloc_ret_t f = init_alloc_at(objects, seL4_X86_4K, 12, r->base + off);
        if (f.err)
            return f.err == KAAL_EBUSY ? "a page of its BAR is in use" : "its BAR could not be mapped";
        if (init_map_frame(objects, vspace, f.cap, cap->arg1 + off, false, seL4_ReadWrite,
                           seL4_X86_Uncacheable | KAAL_X86_ExecuteNever) != seL4_NoError)
            return "its BAR could not be mapped";
        if (!first)
            first = f.cap;
    }
    if (seL4_CNode_Copy(cnode, cap->slot, (seL4_Uint8)bits, seL4_CapInitThreadCNode, first,
                        seL4_WordBits, seL4_AllRights) != seL4_NoError)
        return "its BAR's frame cap could not be placed";
    e->bar_base[bar] = r->base;
    e->bar_size[bar] = r->size;
    e->bar_vaddr[bar] = cap->arg1;
    return NULL;
}

static const char *grant_io(seL4_CPtr cnode, unsigned bits, const kaal_sysdesc_cap_t *cap,
                            const kaal_device_t *d, kaal_component_pci_t *e)
{
    unsigned bar = KAAL_SYSDESC_PCI_BAR(cap->arg0);
    const kaal_resource_t *r = find_resource(d, KAAL_RESOURCE_IO, bar);
    if (r == NULL)
        return "its device has no such I/O BAR (or it is unassigned)";
    if (r->size > cap->arg1 || r->base + r->size > 0x10000)
        return "its I/O BAR has more ports than system.toml allows";
    seL4_Error err = seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, r->base,
                                                  r->base + r->size - 1, cnode, cap->slot,
                                                  (seL4_Uint8)bits);
    if (err == seL4_RevokeFirst)
        return "its I/O BAR's ports belong to another component";
    if (err != seL4_NoError)
        return "its I/O BAR's cap could not be issued";
    e->bar_base[bar] = r->base;
    e->bar_size[bar] = r->size;
    return NULL;
}

static const char *grant_irq(seL4_CPtr cnode, unsigned bits, const kaal_sysdesc_cap_t *cap,
                             const kaal_device_t *d, kaal_component_pci_t *e)
{
    const kaal_resource_t *r = find_resource(d, KAAL_RESOURCE_IRQ, 0);
    if (r == NULL)
        return "its device has no legacy interrupt";
    /* As for ISA lines: the IOAPIC input is also the IRQ number. */
    seL4_Error err = seL4_IRQControl_GetIOAPIC(
        seL4_CapIRQControl, cnode, cap->slot, (seL4_Uint8)bits, 0, r->base,
        !!(r->flags & KAAL_RES_LEVEL), !!(r->flags & KAAL_RES_ACTIVE_LOW), r->base);
    if (err == seL4_RevokeFirst)
        return "its device's IRQ line belongs to another component";
    if (err != seL4_NoError)
        return "its device's IRQ could not be issued";
    e->irq_gsi = (uint32_t)r->base;
    e->irq_level = !!(r->flags & KAAL_RES_LEVEL);
    return NULL;
}

static const char *grant_dma(struct init_objects *objects, seL4_CPtr vspace, seL4_CPtr cnode,
                             unsigned bits, const kaal_sysdesc_cap_t *cap,
                             kaal_component_start_t *start)
{
    uint64_t size = cap->arg0;
    uint8_t b = 12;
    while ((1ull << b) < size)
        b++;
    /* Find a free contiguous block, give it back, then take its pages one
     * by one at their addresses (init is single-threaded: nobody allocates
     * in between; the page tables the mappings need are made before, or
     * one would land in the block and take a page the region needs); the
     * rest of the block stays free. */
    if (!init_map_tables(objects, vspace, cap->arg1, size))
        return "its DMA region's page tables could not be made";
    kaal_ut_alloc_ret_t blk = kaal_untyped_alloc(&init_untyped, seL4_UntypedObject, b, b);
    if (blk.err)
        return "no physically contiguous RAM for its DMA region";
    uint64_t paddr = blk.paddr;
    kaal_untyped_free(&init_untyped, blk.cap);
    seL4_CPtr first = 0;
    for (uint64_t off = 0; off < size; off += PAGE) {
        kaal_ut_alloc_ret_t f = init_alloc_at(objects, seL4_X86_4K, 12, paddr + off);
        if (f.err || init_map_frame(objects, vspace, f.cap, cap->arg1 + off, false,
                                    seL4_ReadWrite, KAAL_X86_ExecuteNever) != seL4_NoError)
            return "its DMA region could not be made";
        seL4_X86_Page_GetAddress_t where = seL4_X86_Page_GetAddress(f.cap);
        if (where.error != seL4_NoError || where.paddr != paddr + off)
            return "its DMA region is not where the untyped manager said";
        if (!first)
            first = f.cap;
    }
    if (seL4_CNode_Copy(cnode, cap->slot, (seL4_Uint8)bits, seL4_CapInitThreadCNode, first,
                        seL4_WordBits, seL4_AllRights) != seL4_NoError)
        return "its DMA frame cap could not be placed";
    start->dma_vaddr = cap->arg1;
    start->dma_paddr = paddr;
    start->dma_size_bytes = size;
    return NULL;
}

const char *init_grant_pci(struct init_objects *objects, uint32_t owner_id, seL4_CPtr vspace,
                           seL4_CPtr cnode, unsigned bits, const kaal_sysdesc_cap_t *cap,
                           kaal_component_start_t *start)
{
    if (!init_is_pci_grant(cap))
        return NULL;
    if (cap->kind == KAAL_SYSDESC_CAP_DMA)
        return grant_dma(objects, vspace, cnode, bits, cap, start);
    kaal_device_t *d;
    kaal_component_pci_t *e;
    const char *why = claim(owner_id, KAAL_SYSDESC_PCI_ID(cap->arg0), start, &d, &e);
    if (why)
        return why;
    if (cap->kind == KAAL_SYSDESC_CAP_PCI_MMIO)
        return grant_mmio(objects, vspace, cnode, bits, cap, d, e);
    if (cap->kind == KAAL_SYSDESC_CAP_PCI_IOPORT)
        return grant_io(cnode, bits, cap, d, e);
    return grant_irq(cnode, bits, cap, d, e);
}

void init_release_pci(uint32_t owner_id)
{
    for (size_t i = 0; i < init_devices.n_devices; i++) {
        const kaal_device_t *d = &init_devices.devices[i];
        if (d->bus != KAAL_BUS_PCI || d->owner != owner_id)
            continue;
        uint32_t cmd = init_pci_config_read32(&d->pci, KAAL_PCI_COMMAND) & 0xffffu;
        init_pci_config_write32(&d->pci, KAAL_PCI_COMMAND, cmd & ~(uint32_t)KAAL_PCI_CMD_BUS_MASTER);
    }
    kaal_broker_release_all(&init_devices, owner_id);
}
