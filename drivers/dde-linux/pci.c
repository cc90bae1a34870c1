// SPDX-License-Identifier: BSD-2-Clause
/*
 * DDE-Linux PCI, MMIO, port I/O and interrupts.
 *
 * One device: the PCI function init granted the component
 * (dde_pci_add_device, from the start record). Its struct pci_dev carries
 * the real ids and config space (the 256 bytes init read when it claimed
 * the device) and its BARs as resources (physical address, size, flags;
 * memory BARs already mapped uncached by init, so pci_ioremap_bar and
 * ioremap return that mapping). A driver registered with
 * pci_register_driver is probed when its id_table matches.
 *
 * Config space: a KaaL component has no config-space access of its own
 * (init owns the host bridge), so reads come from the snapshot and writes
 * update the snapshot only; init already enabled memory/I/O decoding and
 * bus mastering for a granted device, which is what pci_enable_device and
 * pci_set_master ask for. Power states and wake-up are accepted and
 * remembered, not applied.
 *
 * Interrupts: request_irq records the handler for the device's irq
 * number; the glue calls dde_irq_raise(irq) when the DDDK delivers the
 * INTx. disable_irq nests as Linux's does; an interrupt while disabled is
 * delivered at the enable that ends the nesting.
 */
#include <dde/kernel.h>

#include "dde_internal.h"

#define MAX_HANDLERS 4

static struct pci_dev the_dev;
static bool have_dev, probed;
static struct pci_driver *the_driver;

static struct {
    irq_handler_t handler;
    void *data;
    const char *name;
    unsigned int irq;
} handlers[MAX_HANDLERS];
static int irq_disable_depth;
static bool irq_pending;

static u32 cfg_read(const struct pci_dev *p, int where, unsigned bytes)
{
    u32 v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (u32)p->config[(unsigned)where + i] << (8 * i);
    return v;
}

static bool matches(const struct pci_device_id *id, const struct pci_dev *p)
{
    return (id->vendor == PCI_ANY_ID || id->vendor == p->vendor) &&
           (id->device == PCI_ANY_ID || id->device == p->device) &&
           (id->subvendor == PCI_ANY_ID || id->subvendor == p->subsystem_vendor) &&
           (id->subdevice == PCI_ANY_ID || id->subdevice == p->subsystem_device);
}

static int try_probe(void)
{
    if (!have_dev || the_driver == NULL || probed)
        return 0;
    for (const struct pci_device_id *id = the_driver->id_table; id && id->vendor; id++) {
        if (!matches(id, &the_dev))
            continue;
        the_dev.driver = the_driver;
        printk(KERN_INFO "dde: probing %s for %04x:%04x at %s\n", the_driver->name,
               the_dev.vendor, the_dev.device, the_dev.name);
        int err = the_driver->probe(&the_dev, id);
        if (err) {
            printk(KERN_ERR "dde: %s probe failed: %d\n", the_driver->name, err);
            the_dev.driver = NULL;
            return err;
        }
        probed = true;
        return 0;
    }
    return 0;
}

int dde_pci_add_device(const dde_pci_desc_t *d)
{
    if (have_dev)
        return -ENOSPC;
    if (d == NULL || d->config == NULL)
        return -EINVAL;
    memset(&the_dev, 0, sizeof(the_dev));
    memcpy(the_dev.config, d->config, sizeof(the_dev.config));
    the_dev.vendor = (u16)cfg_read(&the_dev, 0x00, 2);
    the_dev.device = (u16)cfg_read(&the_dev, 0x02, 2);
    the_dev.revision = (u8)cfg_read(&the_dev, PCI_REVISION_ID, 1);
    the_dev.subsystem_vendor = (u16)cfg_read(&the_dev, PCI_SUBSYSTEM_VENDOR_ID, 2);
    the_dev.subsystem_device = (u16)cfg_read(&the_dev, PCI_SUBSYSTEM_ID, 2);
    the_dev.bus_number = d->bus;
    the_dev.devfn = (unsigned)(d->dev << 3 | d->fn);
    the_dev.irq = d->irq;
    the_dev.error_state = pci_channel_io_normal;
    the_dev.dev.coherent_dma_mask = DMA_BIT_MASK(32);
    the_dev.dev.dma_mask = &the_dev.dev.coherent_dma_mask;
    snprintf(the_dev.name, sizeof(the_dev.name), "0000:%02x:%02x.%x", d->bus, d->dev, d->fn);
    the_dev.dev.init_name = the_dev.name;
    for (int i = 0; i < PCI_STD_NUM_BARS; i++) {
        const dde_pci_bar_t *b = &d->bar[i];
        if (b->size_bytes == 0)
            continue;
        struct resource *r = &the_dev.resource[i];
        r->start = b->base;
        r->end = b->base + b->size_bytes - 1;
        r->flags = b->io ? IORESOURCE_IO : IORESOURCE_MEM;
        r->mapped = b->io ? NULL : b->vaddr;
    }
    have_dev = true;
    return try_probe();
}

int pci_register_driver(struct pci_driver *drv)
{
    if (the_driver != NULL)
        return -EBUSY;
    the_driver = drv;
    return try_probe();
}

void pci_unregister_driver(struct pci_driver *drv)
{
    if (drv != the_driver)
        return;
    if (probed && drv->remove)
        drv->remove(&the_dev);
    probed = false;
    the_dev.driver = NULL;
    the_driver = NULL;
}

int pci_enable_device(struct pci_dev *pdev)
{
    pdev->enabled = true;
    return 0;
}

int pci_enable_device_mem(struct pci_dev *pdev)
{
    return pci_enable_device(pdev);
}

void pci_disable_device(struct pci_dev *pdev)
{
    pdev->enabled = false;
}

void pci_set_master(struct pci_dev *pdev)
{
    pdev->is_busmaster = true;
    pdev->config[PCI_COMMAND] |= PCI_COMMAND_MASTER;
}

void pci_clear_master(struct pci_dev *pdev)
{
    pdev->is_busmaster = false;
}

int pci_set_mwi(struct pci_dev *pdev)
{
    pdev->config[PCI_COMMAND] |= PCI_COMMAND_INVALIDATE;
    return 0;
}

void pci_clear_mwi(struct pci_dev *pdev)
{
    pdev->config[PCI_COMMAND] &= (u8)~PCI_COMMAND_INVALIDATE;
}

int pci_select_bars(struct pci_dev *pdev, unsigned long flags)
{
    int bars = 0;
    for (int i = 0; i < PCI_STD_NUM_BARS; i++)
        if (pdev->resource[i].flags & flags)
            bars |= 1 << i;
    return bars;
}

int pci_request_selected_regions(struct pci_dev *pdev, int bars, const char *name)
{
    (void)name;
    for (int i = 0; i < PCI_STD_NUM_BARS; i++)
        if ((bars & (1 << i)) && pdev->resource[i].flags == 0)
            return -EBUSY; /* asked for a BAR init did not grant */
    return 0;
}

void pci_release_selected_regions(struct pci_dev *pdev, int bars)
{
    (void)pdev, (void)bars;
}

void __iomem *pci_ioremap_bar(struct pci_dev *pdev, int bar)
{
    if (bar < 0 || bar >= PCI_STD_NUM_BARS || !(pdev->resource[bar].flags & IORESOURCE_MEM))
        return NULL;
    return pdev->resource[bar].mapped;
}

void __iomem *ioremap(resource_size_t paddr, unsigned long size)
{
    if (!have_dev)
        return NULL;
    for (int i = 0; i < PCI_STD_NUM_BARS; i++) {
        struct resource *r = &the_dev.resource[i];
        if (r->mapped && paddr >= r->start && paddr + size - 1 <= r->end)
            return (u8 __iomem *)r->mapped + (paddr - r->start);
    }
    printk(KERN_ERR "dde: ioremap(%#lx, %lu): not inside a granted BAR\n", (unsigned long)paddr,
           size);
    return NULL;
}

void iounmap(volatile void __iomem *addr)
{
    (void)addr; /* init's mapping stays for the component's life */
}

static bool cfg_ok(int where, unsigned bytes)
{
    return where >= 0 && (unsigned)where + bytes <= 256 && (unsigned)where % bytes == 0;
}

int pci_read_config_byte(const struct pci_dev *p, int where, u8 *val)
{
    if (!cfg_ok(where, 1))
        return -EINVAL;
    *val = (u8)cfg_read(p, where, 1);
    return 0;
}

int pci_read_config_word(const struct pci_dev *p, int where, u16 *val)
{
    if (!cfg_ok(where, 2))
        return -EINVAL;
    *val = (u16)cfg_read(p, where, 2);
    return 0;
}

int pci_read_config_dword(const struct pci_dev *p, int where, u32 *val)
{
    if (!cfg_ok(where, 4))
        return -EINVAL;
    *val = cfg_read(p, where, 4);
    return 0;
}

static int cfg_write(const struct pci_dev *cp, int where, unsigned bytes, u32 v)
{
    if (!cfg_ok(where, bytes))
        return -EINVAL;
    struct pci_dev *p = (struct pci_dev *)(uintptr_t)cp;
    for (unsigned i = 0; i < bytes; i++)
        p->config[(unsigned)where + i] = (u8)(v >> (8 * i));
    return 0;
}

int pci_write_config_byte(const struct pci_dev *p, int where, u8 val)
{
    return cfg_write(p, where, 1, val);
}

int pci_write_config_word(const struct pci_dev *p, int where, u16 val)
{
    return cfg_write(p, where, 2, val);
}

int pci_write_config_dword(const struct pci_dev *p, int where, u32 val)
{
    return cfg_write(p, where, 4, val);
}

int pci_find_capability(struct pci_dev *pdev, int cap)
{
    if (!(cfg_read(pdev, PCI_STATUS, 2) & 0x10))
        return 0;
    unsigned pos = cfg_read(pdev, 0x34, 1) & ~3u;
    for (int guard = 0; pos >= 0x40 && pos < 256 && guard < 48; guard++) {
        if (cfg_read(pdev, (int)pos, 1) == (u32)cap)
            return (int)pos;
        pos = cfg_read(pdev, (int)pos + 1, 1) & ~3u;
    }
    return 0;
}

int pcix_get_mmrbc(struct pci_dev *pdev)
{
    int cap = pci_find_capability(pdev, PCI_CAP_ID_PCIX);
    if (!cap)
        return -EINVAL;
    return 512 << ((cfg_read(pdev, cap + PCI_X_CMD, 2) & PCI_X_CMD_MAX_READ) >> 2);
}

int pcix_set_mmrbc(struct pci_dev *pdev, int mmrbc)
{
    (void)mmrbc;
    return pci_find_capability(pdev, PCI_CAP_ID_PCIX) ? 0 : -EINVAL;
}

int pci_save_state(struct pci_dev *pdev)
{
    (void)pdev;
    return 0;
}

void pci_restore_state(struct pci_dev *pdev)
{
    (void)pdev;
}

int pci_set_power_state(struct pci_dev *pdev, pci_power_t state)
{
    (void)pdev, (void)state;
    return 0;
}

int pci_enable_wake(struct pci_dev *pdev, pci_power_t state, bool enable)
{
    (void)state;
    pdev->dev.wakeup_enabled = enable;
    return 0;
}

int pci_wake_from_d3(struct pci_dev *pdev, bool enable)
{
    return pci_enable_wake(pdev, PCI_D3hot, enable);
}

int pci_is_pcie(struct pci_dev *pdev)
{
    return pci_find_capability(pdev, 0x10) != 0;
}

/* ---- ports ---- */

static u32 port_in(unsigned long port, unsigned bytes)
{
    u32 v;
    if (port > 0xffff || !dde_platform_port_in((uint16_t)port, bytes, &v))
        return bytes == 4 ? 0xffffffffu : (1u << (8 * bytes)) - 1;
    return v;
}

static void port_out(unsigned long port, unsigned bytes, u32 v)
{
    if (port <= 0xffff)
        dde_platform_port_out((uint16_t)port, bytes, v);
}

u8 inb(unsigned long port)
{
    return (u8)port_in(port, 1);
}

u16 inw(unsigned long port)
{
    return (u16)port_in(port, 2);
}

u32 inl(unsigned long port)
{
    return port_in(port, 4);
}

void outb(u8 v, unsigned long port)
{
    port_out(port, 1, v);
}

void outw(u16 v, unsigned long port)
{
    port_out(port, 2, v);
}

void outl(u32 v, unsigned long port)
{
    port_out(port, 4, v);
}

/* ---- interrupts ---- */

int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags, const char *name,
                void *data)
{
    (void)flags;
    if (handler == NULL)
        return -EINVAL;
    if (!have_dev || irq != the_dev.irq)
        return -EINVAL; /* only the granted device's line exists */
    for (int i = 0; i < MAX_HANDLERS; i++)
        if (handlers[i].handler == NULL) {
            handlers[i].handler = handler;
            handlers[i].data = data;
            handlers[i].name = name;
            handlers[i].irq = irq;
            return 0;
        }
    return -EBUSY;
}

const void *free_irq(unsigned int irq, void *data)
{
    for (int i = 0; i < MAX_HANDLERS; i++)
        if (handlers[i].handler && handlers[i].irq == irq && handlers[i].data == data) {
            handlers[i].handler = NULL;
            return handlers[i].name;
        }
    return NULL;
}

static void deliver(unsigned int irq)
{
    for (int i = 0; i < MAX_HANDLERS; i++)
        if (handlers[i].handler && handlers[i].irq == irq)
            handlers[i].handler((int)irq, handlers[i].data);
}

void dde_irq_raise(unsigned irq)
{
    if (irq_disable_depth > 0) {
        irq_pending = true;
        return;
    }
    deliver(irq);
}

void disable_irq(unsigned int irq)
{
    (void)irq;
    irq_disable_depth++;
}

void disable_irq_nosync(unsigned int irq)
{
    disable_irq(irq);
}

bool disable_hardirq(unsigned int irq)
{
    disable_irq(irq);
    return true;
}

void enable_irq(unsigned int irq)
{
    if (irq_disable_depth == 0) {
        printk(KERN_WARNING "dde: unbalanced enable_irq(%u)\n", irq);
        return;
    }
    if (--irq_disable_depth == 0 && irq_pending) {
        irq_pending = false;
        deliver(irq);
    }
}

/* A handler never runs concurrently with the thread that asks. */
void synchronize_irq(unsigned int irq)
{
    (void)irq;
}
