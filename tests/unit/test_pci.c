// SPDX-License-Identifier: BSD-2-Clause
/* PCI enumeration (runtime/pci/pci.c) and the device model
 * (runtime/devices/devices.c) against a fake config space that behaves like
 * hardware: BARs keep only their address bits when written, absent functions
 * read all ones, and the fake checks that decoding is off while a BAR holds
 * the all-ones probe value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kaal/broker.h>
#include <kaal/pci.h>

#include "test_acpi_image.c"

#define MAX_FNS 16

typedef struct fake_fn {
    uint8_t bus, dev, fn;
    uint32_t cfg[64];   /* 256 bytes of config space */
    uint32_t wmask[64]; /* writable bits of each dword */
} fake_fn_t;

typedef struct fake_pci {
    unsigned n;
    fake_fn_t fns[MAX_FNS];
    uint32_t cf8; /* legacy address latch */
    unsigned probes_while_decoding;
    unsigned n_writes;
} fake_pci_t;

static fake_fn_t *find_fn(fake_pci_t *pci, uint8_t bus, uint8_t dev, uint8_t fn)
{
    for (unsigned i = 0; i < pci->n; i++) {
        fake_fn_t *f = &pci->fns[i];
        if (f->bus == bus && f->dev == dev && f->fn == fn)
            return f;
    }
    return NULL;
}

static uint32_t fake_read32(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
    fake_fn_t *f = find_fn(ctx, bus, dev, fn);
    assert_true(off % 4 == 0);
    if (!f || off >= 256)
        return 0xffffffffu;
    return f->cfg[off / 4];
}

static void fake_write32(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off,
                         uint32_t value)
{
    fake_pci_t *pci = ctx;
    fake_fn_t *f = find_fn(pci, bus, dev, fn);
    assert_non_null(f);
    assert_true(off % 4 == 0 && off < 256);
    pci->n_writes++;
    if (off >= KAAL_PCI_BAR0 && off < KAAL_PCI_BAR0 + 24 && value == 0xffffffffu &&
        (f->cfg[1] & (KAAL_PCI_CMD_IO | KAAL_PCI_CMD_MEMORY)))
        pci->probes_while_decoding++;
    f->cfg[off / 4] = (f->cfg[off / 4] & ~f->wmask[off / 4]) | (value & f->wmask[off / 4]);
}

static kaal_pci_config_t fake_config(fake_pci_t *pci)
{
    return (kaal_pci_config_t){.read32 = fake_read32, .write32 = fake_write32, .ctx = pci};
}

static fake_fn_t *add_fn(fake_pci_t *pci, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t vendor,
                         uint16_t device, uint32_t class_rev, uint8_t header)
{
    fake_fn_t *f = &pci->fns[pci->n++];
    memset(f, 0, sizeof(*f));
    f->bus = bus;
    f->dev = dev;
    f->fn = fn;
    f->cfg[0] = vendor | ((uint32_t)device << 16);
    f->cfg[1] = KAAL_PCI_CMD_IO | KAAL_PCI_CMD_MEMORY;
    f->wmask[1] = 0xffff;
    f->cfg[2] = class_rev;
    f->cfg[3] = (uint32_t)header << 16;
    f->cfg[15] = 0xff; /* interrupt line: none */
    f->wmask[15] = 0xff;
    return f;
}

/* A memory BAR at base of size_bytes (a power of two >= 16). */
static void mem_bar(fake_fn_t *f, unsigned i, uint32_t base, uint32_t size_bytes, bool pref)
{
    f->cfg[4 + i] = base | (pref ? 8u : 0u);
    f->wmask[4 + i] = ~(size_bytes - 1) & ~0xfu;
}

static void mem64_bar(fake_fn_t *f, unsigned i, uint64_t base, uint64_t size_bytes, bool pref)
{
    uint64_t mask = ~(size_bytes - 1);
    f->cfg[4 + i] = (uint32_t)base | 4u | (pref ? 8u : 0u);
    f->wmask[4 + i] = (uint32_t)mask & ~0xfu;
    f->cfg[5 + i] = (uint32_t)(base >> 32);
    f->wmask[5 + i] = (uint32_t)(mask >> 32);
}

static void io_bar(fake_fn_t *f, unsigned i, uint32_t base, uint32_t n_ports, bool decode16)
{
    f->cfg[4 + i] = base | 1u;
    f->wmask[4 + i] = ~(n_ports - 1) & ~3u & (decode16 ? 0xffffu : 0xffffffffu);
}

static void interrupt(fake_fn_t *f, uint8_t pin, uint8_t line)
{
    f->cfg[15] = line | ((uint32_t)pin << 8);
}

/* Capability at off with id, next pointer and the upper 16 bits. */
static void cap(fake_fn_t *f, uint8_t off, uint8_t id, uint8_t next, uint16_t ctrl)
{
    f->cfg[1] |= (uint32_t)KAAL_PCI_STATUS_CAP_LIST << 16;
    f->cfg[off / 4] = id | ((uint32_t)next << 8) | ((uint32_t)ctrl << 16);
}

/* QEMU's pc machine with an e1000 and a virtio-net (modern, 64-bit BAR). */
static void build_qemu_pc(fake_pci_t *pci)
{
    memset(pci, 0, sizeof(*pci));
    add_fn(pci, 0, 0, 0, 0x8086, 0x1237, 0x06000002, 0x00); /* i440FX host bridge */
    add_fn(pci, 0, 1, 0, 0x8086, 0x7000, 0x06010000, 0x80); /* PIIX3 ISA, multi-fn */
    fake_fn_t *ide = add_fn(pci, 0, 1, 1, 0x8086, 0x7010, 0x01018000, 0x00);
    io_bar(ide, 4, 0xc040, 16, false);
    fake_fn_t *pm = add_fn(pci, 0, 1, 3, 0x8086, 0x7113, 0x06800003, 0x00);
    interrupt(pm, 1, 9);
    fake_fn_t *vga = add_fn(pci, 0, 2, 0, 0x1234, 0x1111, 0x03000002, 0x00);
    mem_bar(vga, 0, 0xfd000000u, 16u << 20, true);
    mem_bar(vga, 2, 0xfebf0000u, 4096, false);
    fake_fn_t *nic = add_fn(pci, 0, 3, 0, 0x8086, 0x100e, 0x02000003, 0x00);
    mem_bar(nic, 0, 0xfebc0000u, 128u << 10, false);
    io_bar(nic, 1, 0xc000, 64, false);
    nic->cfg[11] = 0x1af4 | (0x1100u << 16); /* subsystem */
    interrupt(nic, 1, 11);
    fake_fn_t *vnet = add_fn(pci, 0, 4, 0, 0x1af4, 0x1041, 0x02000001, 0x00);
    mem_bar(vnet, 1, 0xfebd1000u, 4096, false);
    mem64_bar(vnet, 4, 0xfe000000ull, 16384, true);
    interrupt(vnet, 1, 10);
    cap(vnet, 0x98, KAAL_PCI_CAP_MSIX, 0x84, 0x0002); /* 3 vectors */
    vnet->cfg[0x9c / 4] = 0x00000001;                 /* table in BAR1 at 0 */
    vnet->cfg[0xa0 / 4] = 0x00000801;                 /* PBA in BAR1 at 0x800 */
    cap(vnet, 0x84, 0x09, 0x00, 0);                   /* vendor-specific */
    vnet->cfg[KAAL_PCI_CAP_PTR / 4] = 0x98;
}

static kaal_irq_routing_t qemu_routing(void)
{
    kaal_irq_routing_t r = {0};
    r.overrides[r.n_overrides++] = (kaal_irq_override_t){.isa_irq = 0, .gsi = 2};
    r.overrides[r.n_overrides++] =
        (kaal_irq_override_t){.isa_irq = 11, .gsi = 11, .flags = KAAL_RES_LEVEL};
    return r;
}

static const kaal_device_t *find_pci(const kaal_device_list_t *list, uint8_t dev, uint8_t fn)
{
    for (size_t i = 0; i < list->n_devices; i++) {
        const kaal_device_t *d = &list->devices[i];
        if (d->bus == KAAL_BUS_PCI && d->pci.dev == dev && d->pci.fn == fn)
            return d;
    }
    fail_msg("no device 00:%02x.%x", dev, fn);
    return NULL;
}

static void assert_resource(const kaal_resource_t *r, kaal_resource_kind_t kind, uint64_t base,
                            uint64_t size, uint32_t flags)
{
    assert_int_equal(r->kind, kind);
    assert_int_equal(r->base, base);
    assert_int_equal(r->size, size);
    assert_int_equal(r->flags, flags);
}

static fake_pci_t pci;
static kaal_device_t storage[32];

static void test_legacy_enumeration_finds_qemu_pc_devices(void **state)
{
    (void)state;
    build_qemu_pc(&pci);
    kaal_device_list_t list;
    kaal_devices_init(&list, storage, 32);
    kaal_pci_config_t cfg = fake_config(&pci);
    kaal_irq_routing_t routing = qemu_routing();
    assert_int_equal(kaal_pci_enumerate(&cfg, 0, 0, 255, &routing, &list), KAAL_OK);
    assert_int_equal(list.n_devices, 7);

    const kaal_device_t *host = find_pci(&list, 0, 0);
    assert_int_equal(host->pci.vendor_id, 0x8086);
    assert_int_equal(host->pci.device_id, 0x1237);
    assert_int_equal(host->pci.class_code, 0x06);
    assert_int_equal(host->pci.revision, 0x02);
    assert_int_equal(host->n_resources, 0);

    const kaal_device_t *ide = find_pci(&list, 1, 1);
    assert_int_equal(ide->pci.prog_if, 0x80);
    assert_int_equal(ide->n_resources, 1);
    assert_resource(&ide->resources[0], KAAL_RESOURCE_IO, 0xc040, 16, KAAL_RES_BAR);
    assert_int_equal(ide->resources[0].bar, 4);

    const kaal_device_t *vga = find_pci(&list, 2, 0);
    assert_int_equal(vga->n_resources, 2);
    assert_resource(&vga->resources[0], KAAL_RESOURCE_MMIO, 0xfd000000u, 16u << 20,
                    KAAL_RES_BAR | KAAL_RES_PREFETCHABLE);
    assert_resource(&vga->resources[1], KAAL_RESOURCE_MMIO, 0xfebf0000u, 4096, KAAL_RES_BAR);
    assert_int_equal(vga->resources[1].bar, 2);

    const kaal_device_t *nic = find_pci(&list, 3, 0);
    assert_int_equal(nic->pci.subsys_vendor_id, 0x1af4);
    assert_int_equal(nic->pci.subsys_id, 0x1100);
    assert_int_equal(nic->n_resources, 3);
    assert_resource(&nic->resources[0], KAAL_RESOURCE_MMIO, 0xfebc0000u, 128u << 10, KAAL_RES_BAR);
    assert_resource(&nic->resources[1], KAAL_RESOURCE_IO, 0xc000, 64, KAAL_RES_BAR);
    assert_resource(&nic->resources[2], KAAL_RESOURCE_IRQ, 11, 1, KAAL_RES_LEVEL);
    assert_int_equal(nic->pci.irq_pin, 1);
    assert_int_equal(nic->pci.msi.offset, 0);

    const kaal_device_t *vnet = find_pci(&list, 4, 0);
    assert_int_equal(vnet->n_resources, 3);
    assert_resource(&vnet->resources[1], KAAL_RESOURCE_MMIO, 0xfe000000ull, 16384,
                    KAAL_RES_BAR | KAAL_RES_64BIT | KAAL_RES_PREFETCHABLE);
    assert_int_equal(vnet->resources[1].bar, 4);
    /* no override for 10: PCI default, level and active low */
    assert_resource(&vnet->resources[2], KAAL_RESOURCE_IRQ, 10, 1,
                    KAAL_RES_LEVEL | KAAL_RES_ACTIVE_LOW);
    assert_int_equal(vnet->pci.msix.offset, 0x98);
    assert_int_equal(vnet->pci.msix.table_size, 3);
    assert_int_equal(vnet->pci.msix.table_bar, 1);
    assert_int_equal(vnet->pci.msix.pba_offset, 0x800);
    assert_false(vnet->pci.cap_loop);
    assert_false(vnet->pci.bad_bars);

    /* functions 2, 4-7 of device 1 are absent; device 5+ absent */
    assert_int_equal(pci.probes_while_decoding, 0);
}

static void test_bar_probe_leaves_bars_and_command_as_found(void **state)
{
    (void)state;
    build_qemu_pc(&pci);
    fake_pci_t before = pci;
    kaal_device_list_t list;
    kaal_devices_init(&list, storage, 32);
    kaal_pci_config_t cfg = fake_config(&pci);
    kaal_pci_enumerate(&cfg, 0, 0, 0, NULL, &list);
    assert_true(pci.n_writes > 0);
    assert_int_equal(pci.probes_while_decoding, 0);
    for (unsigned i = 0; i < pci.n; i++)
        assert_memory_equal(pci.fns[i].cfg, before.fns[i].cfg, sizeof(pci.fns[i].cfg));
}

static uint32_t port_in32(void *ctx, uint16_t port)
{
    fake_pci_t *p = ctx;
    assert_int_equal(port, KAAL_PCI_CONFIG_DATA);
    assert_true(p->cf8 & 0x80000000u);
    return fake_read32(ctx, (uint8_t)(p->cf8 >> 16), (p->cf8 >> 11) & 31, (p->cf8 >> 8) & 7,
                       p->cf8 & 0xfc);
}

static void port_out32(void *ctx, uint16_t port, uint32_t value)
{
    fake_pci_t *p = ctx;
    if (port == KAAL_PCI_CONFIG_ADDRESS) {
        p->cf8 = value;
        return;
    }
    assert_int_equal(port, KAAL_PCI_CONFIG_DATA);
    fake_write32(ctx, (uint8_t)(p->cf8 >> 16), (p->cf8 >> 11) & 31, (p->cf8 >> 8) & 7,
                 p->cf8 & 0xfc, value);
}

static void test_legacy_ports_reach_the_same_devices(void **state)
{
    (void)state;
    build_qemu_pc(&pci);
    add_fn(&pci, 3, 31, 7, 0xabcd, 0x0001, 0xff000000, 0); /* last slot of bus 3 */
    kaal_pci_legacy_t legacy = {.out32 = port_out32, .in32 = port_in32, .ctx = &pci};
    kaal_pci_config_t cfg = kaal_pci_legacy_config(&legacy);
    kaal_device_list_t list;
    kaal_devices_init(&list, storage, 32);
    assert_int_equal(kaal_pci_enumerate(&cfg, 0, 0, 255, NULL, &list), KAAL_OK);
    assert_int_equal(list.n_devices, 7); /* 03:1f.7 is fn 7 of a single-function device */
    assert_int_equal(find_pci(&list, 3, 0)->resources[1].base, 0xc000);
    assert_int_equal(pci.probes_while_decoding, 0);
    /* out-of-range offsets never reach the ports */
    pci.cf8 = 0;
    assert_int_equal(cfg.read32(cfg.ctx, 0, 0, 0, 256), 0xffffffffu);
    assert_int_equal(cfg.read32(cfg.ctx, 0, 32, 0, 0), 0xffffffffu);
    assert_int_equal(cfg.read32(cfg.ctx, 0, 0, 8, 0), 0xffffffffu);
    cfg.write32(cfg.ctx, 0, 0, 0, 256, 0);
    cfg.write32(cfg.ctx, 0, 32, 0, 0, 0);
    cfg.write32(cfg.ctx, 0, 0, 8, 0, 0);
    assert_int_equal(pci.cf8, 0);
    /* the address latch encodes bus/dev/fn/offset as mechanism #1 says */
    cfg.read32(cfg.ctx, 0x12, 0x1f, 0x5, 0x3c);
    assert_int_equal(pci.cf8, 0x80000000u | (0x12u << 16) | (0x1fu << 11) | (5u << 8) | 0x3c);
}

static void test_ecam_window_is_addressed_by_bus_dev_fn(void **state)
{
    (void)state;
    size_t bytes = 2u << 20; /* buses 8 and 9 */
    uint8_t *win = calloc(1, bytes);
    assert_non_null(win);
    memset(win, 0xff, bytes);
    size_t at = (1u << 20) | (3u << 15) | (2u << 12); /* 09:03.2 */
    uint32_t id = 0x100e8086u, cls = 0x02000000u, zero = 0;
    memcpy(win + at, &id, 4);
    memcpy(win + at + 8, &cls, 4);
    for (unsigned off = 0x0c; off < 0x40; off += 4)
        memcpy(win + at + off, &zero, 4);
    size_t fn0 = (1u << 20) | (3u << 15); /* fn 0 present, multi-function */
    uint32_t id0 = 0x00011af4u, hdr = 0x00800000u;
    memcpy(win + fn0, &id0, 4);
    memcpy(win + fn0 + 8, &cls, 4);
    for (unsigned off = 0x0c; off < 0x40; off += 4)
        memcpy(win + fn0 + off, &zero, 4);
    memcpy(win + fn0 + 0x0c, &hdr, 4);
    kaal_pci_ecam_t ecam = {.window = win, .bus_start = 8, .bus_end = 9};
    kaal_pci_config_t cfg = kaal_pci_ecam_config(&ecam);
    assert_int_equal(cfg.read32(cfg.ctx, 9, 3, 2, 0), 0x100e8086u);
    assert_int_equal(cfg.read32(cfg.ctx, 7, 3, 2, 0), 0xffffffffu);
    assert_int_equal(cfg.read32(cfg.ctx, 10, 3, 2, 0), 0xffffffffu);
    assert_int_equal(cfg.read32(cfg.ctx, 9, 32, 2, 0), 0xffffffffu);
    assert_int_equal(cfg.read32(cfg.ctx, 9, 3, 8, 0), 0xffffffffu);
    assert_int_equal(cfg.read32(cfg.ctx, 9, 3, 2, 0x1000), 0xffffffffu);
    cfg.write32(cfg.ctx, 9, 3, 2, 0xffc, 0x12345678u);
    uint32_t got;
    memcpy(&got, win + at + 0xffc, 4);
    assert_int_equal(got, 0x12345678u);
    cfg.write32(cfg.ctx, 7, 3, 2, 0, 0);
    cfg.write32(cfg.ctx, 10, 3, 2, 0, 0);
    cfg.write32(cfg.ctx, 9, 32, 2, 0, 0);
    cfg.write32(cfg.ctx, 9, 3, 8, 0, 0);
    cfg.write32(cfg.ctx, 9, 3, 2, 0x1000, 0);
    memcpy(&got, win + at, 4);
    assert_int_equal(got, 0x100e8086u);

    kaal_device_list_t list;
    kaal_devices_init(&list, storage, 32);
    assert_int_equal(kaal_pci_enumerate(&cfg, 0, 8, 9, NULL, &list), KAAL_OK);
    assert_int_equal(list.n_devices, 2);
    assert_int_equal(list.devices[1].pci.bus, 9);
    assert_int_equal(list.devices[1].pci.dev, 3);
    assert_int_equal(list.devices[1].pci.fn, 2);
    assert_int_equal(list.devices[1].pci.device_id, 0x100e);
    free(win);
}

static kaal_device_t *enumerate_one(fake_pci_t *p, kaal_device_list_t *list)
{
    kaal_devices_init(list, storage, 32);
    kaal_pci_config_t cfg = fake_config(p);
    assert_int_equal(kaal_pci_enumerate(&cfg, 0, 0, 0, NULL, list), KAAL_OK);
    assert_int_equal(list->n_devices, 1);
    return &list->devices[0];
}

static void test_64_bit_bar_above_4g_is_sized_across_both_halves(void **state)
{
    (void)state;
    memset(&pci, 0, sizeof(pci));
    fake_fn_t *f = add_fn(&pci, 0, 5, 0, 0x1b36, 0x0010, 0x01080200, 0);
    mem64_bar(f, 0, 0x800000000ull, 8ull << 30, false); /* 8 GiB at 32 GiB */
    mem64_bar(f, 2, 0x1000000000ull, 1ull << 20, true);
    kaal_device_list_t list;
    kaal_device_t *d = enumerate_one(&pci, &list);
    assert_int_equal(d->n_resources, 2);
    assert_resource(&d->resources[0], KAAL_RESOURCE_MMIO, 0x800000000ull, 8ull << 30,
                    KAAL_RES_BAR | KAAL_RES_64BIT);
    assert_int_equal(d->resources[1].bar, 2);
    assert_int_equal(d->resources[1].size, 1u << 20);
    assert_int_equal(pci.probes_while_decoding, 0);
}

static void test_nonsense_bars_are_flagged_and_skipped(void **state)
{
    (void)state;
    memset(&pci, 0, sizeof(pci));
    fake_fn_t *f = add_fn(&pci, 0, 0, 0, 0x1234, 0x5678, 0xff000000, 0);
    f->cfg[4] = 0xfe000000u | 6u; /* type 3: reserved */
    f->wmask[4] = 0xff000000u;
    f->cfg[5] = 0xfd000000u; /* mask with a hole: not a power of two */
    f->wmask[5] = 0xff0ff000u;
    f->cfg[6] = 0x00000001u; /* IO BAR whose mask has a hole */
    f->wmask[6] = 0xffff0f00u;
    f->cfg[7] = 0; /* unassigned: size but base 0 */
    f->wmask[7] = 0xfffff000u;
    f->cfg[8] = 0x0001u;     /* IO BAR not implemented: nothing sticks */
    f->cfg[9] = 0xfb000004u; /* 64-bit BAR in the last slot */
    f->wmask[9] = 0xfff00000u;
    kaal_device_list_t list;
    kaal_device_t *d = enumerate_one(&pci, &list);
    assert_true(d->pci.bad_bars);
    /* Only the unassigned BAR is kept, marked so (it may get an address). */
    assert_int_equal(d->n_resources, 1);
    assert_int_equal(d->resources[0].bar, 3);
    assert_true(d->resources[0].flags & KAAL_RES_UNASSIGNED);

    /* a 64-bit BAR whose both halves are read-only is unimplemented */
    memset(&pci, 0, sizeof(pci));
    f = add_fn(&pci, 0, 0, 0, 0x1234, 0x5678, 0xff000000, 0);
    f->cfg[4] = 4u;
    io_bar(f, 2, 0x1000, 4, true); /* a 16-bit IO decoder */
    d = enumerate_one(&pci, &list);
    assert_false(d->pci.bad_bars);
    assert_int_equal(d->n_resources, 1);
    assert_resource(&d->resources[0], KAAL_RESOURCE_IO, 0x1000, 4, KAAL_RES_BAR);
}

static void test_msi_capability_is_decoded(void **state)
{
    (void)state;
    memset(&pci, 0, sizeof(pci));
    fake_fn_t *f = add_fn(&pci, 0, 0, 0, 0x8086, 0x10d3, 0x02000000, 0);
    f->cfg[KAAL_PCI_CAP_PTR / 4] = 0xc8;
    cap(f, 0xc8, 0x01, 0xd0, 0);                   /* power management */
    cap(f, 0xd0, KAAL_PCI_CAP_MSI, 0xe0, 0x0184);  /* 64-bit, maskable, 4 vectors */
    cap(f, 0xe0, KAAL_PCI_CAP_MSI, 0xfc, 0x0000);  /* a second MSI: ignored */
    cap(f, 0xfc, KAAL_PCI_CAP_MSIX, 0x00, 0x0003); /* MSI-X too close to the end */
    interrupt(f, 1, 0xff);                         /* pin but no line: no IRQ */
    kaal_device_list_t list;
    kaal_device_t *d = enumerate_one(&pci, &list);
    assert_int_equal(d->pci.msi.offset, 0xd0);
    assert_true(d->pci.msi.addr_64bit);
    assert_true(d->pci.msi.per_vector_mask);
    assert_int_equal(d->pci.msi.log2_vectors, 2);
    assert_int_equal(d->pci.msix.offset, 0);
    assert_false(d->pci.cap_loop);
    assert_int_equal(d->n_resources, 0);
}

static void test_capability_list_loops_are_detected(void **state)
{
    (void)state;
    memset(&pci, 0, sizeof(pci));
    fake_fn_t *f = add_fn(&pci, 0, 0, 0, 0x8086, 0x10d3, 0x02000000, 0);
    f->cfg[KAAL_PCI_CAP_PTR / 4] = 0x40;
    cap(f, 0x40, 0x01, 0x50, 0);
    cap(f, 0x50, KAAL_PCI_CAP_MSI, 0x40, 0); /* back to the first */
    kaal_device_list_t list;
    kaal_device_t *d = enumerate_one(&pci, &list);
    assert_true(d->pci.cap_loop);
    assert_int_equal(d->pci.msi.offset, 0x50);

    /* a pointer into the standard header */
    cap(f, 0x50, KAAL_PCI_CAP_MSI, 0x20, 0);
    d = enumerate_one(&pci, &list);
    assert_true(d->pci.cap_loop);

    /* a pointer to itself */
    cap(f, 0x40, 0x01, 0x40, 0);
    d = enumerate_one(&pci, &list);
    assert_true(d->pci.cap_loop);
    assert_int_equal(d->pci.msi.offset, 0);
}

static void test_bridge_and_cardbus_headers_have_their_own_layout(void **state)
{
    (void)state;
    memset(&pci, 0, sizeof(pci));
    fake_fn_t *br = add_fn(&pci, 0, 0, 0, 0x1b36, 0x0001, 0x06040000, 0x01);
    mem_bar(br, 0, 0xfe800000u, 4096, false);
    mem_bar(br, 2, 0xfe900000u, 4096, false); /* offset 0x18: bus numbers, not a BAR */
    br->wmask[6] = 0;
    fake_fn_t *cb = add_fn(&pci, 0, 1, 0, 0x104c, 0xac56, 0x06070000, 0x02);
    mem_bar(cb, 0, 0xfea00000u, 4096, false);
    cb->cfg[KAAL_PCI_CARDBUS_CAP_PTR / 4] = 0x80;
    cap(cb, 0x80, KAAL_PCI_CAP_MSI, 0, 0);
    fake_fn_t *odd = add_fn(&pci, 0, 2, 0, 0x1234, 0x0001, 0xff000000, 0x7f);
    mem_bar(odd, 0, 0xfeb00000u, 4096, false);
    kaal_device_list_t list;
    kaal_devices_init(&list, storage, 32);
    kaal_pci_config_t cfg = fake_config(&pci);
    kaal_pci_enumerate(&cfg, 0, 0, 0, NULL, &list);
    assert_int_equal(list.n_devices, 3);
    assert_int_equal(list.devices[0].pci.header_type, 1);
    assert_int_equal(list.devices[0].n_resources, 1);
    assert_int_equal(list.devices[1].n_resources, 1);
    assert_int_equal(list.devices[1].pci.msi.offset, 0x80);
    assert_int_equal(list.devices[2].n_resources, 0); /* unknown header: no BARs read */
}

static void test_full_device_list_reports_enospc(void **state)
{
    (void)state;
    build_qemu_pc(&pci);
    kaal_device_list_t list;
    kaal_devices_init(&list, storage, 3);
    kaal_pci_config_t cfg = fake_config(&pci);
    assert_int_equal(kaal_pci_enumerate(&cfg, 0, 0, 0, NULL, &list), KAAL_ENOSPC);
    assert_int_equal(list.n_devices, 3);
    assert_int_equal(list.n_dropped, 4);
    /* vendor 0 reads as absent too */
    memset(&pci, 0, sizeof(pci));
    add_fn(&pci, 0, 0, 0, 0x0000, 0x1234, 0, 0);
    kaal_devices_init(&list, storage, 3);
    kaal_pci_enumerate(&cfg, 0, 0, 0, NULL, &list);
    assert_int_equal(list.n_devices, 0);
}

static void test_isa_devices_get_routed_irqs(void **state)
{
    (void)state;
    kaal_device_list_t list;
    kaal_devices_init(&list, storage, 32);
    kaal_irq_routing_t routing = qemu_routing();
    assert_int_equal(kaal_isa_add_devices(&list, &routing), KAAL_OK);
    kaal_device_t *com1 = kaal_devices_find_name(&list, "com1");
    assert_non_null(com1);
    assert_resource(&com1->resources[0], KAAL_RESOURCE_IO, 0x3f8, 8, 0);
    assert_resource(&com1->resources[1], KAAL_RESOURCE_IRQ, 4, 1, 0);
    kaal_device_t *com2 = kaal_devices_find_name(&list, "com2");
    assert_resource(&com2->resources[0], KAAL_RESOURCE_IO, 0x2f8, 8, 0);
    assert_int_equal(com2->resources[1].base, 3);
    kaal_device_t *pit = kaal_devices_find_name(&list, "pit");
    assert_int_equal(pit->resources[1].base, 2); /* IRQ 0 -> GSI 2 by override */
    assert_int_equal(pit->resources[1].isa_irq, 0);
    kaal_device_t *rtc = kaal_devices_find_name(&list, "rtc");
    assert_resource(&rtc->resources[0], KAAL_RESOURCE_IO, 0x70, 2, 0);
    assert_int_equal(rtc->resources[1].base, 8);
    kaal_device_t *exit_dev = kaal_devices_find_name(&list, "debug-exit");
    assert_int_equal(exit_dev->n_resources, 1);
    assert_resource(&exit_dev->resources[0], KAAL_RESOURCE_IO, 0xf4, 4, 0);
    assert_null(kaal_devices_find_name(&list, "com3"));

    kaal_devices_init(&list, storage, 2);
    assert_int_equal(kaal_isa_add_devices(&list, NULL), KAAL_ENOSPC);
}

static void test_device_resources_are_bounded(void **state)
{
    (void)state;
    kaal_device_t d = {0};
    for (unsigned i = 0; i < KAAL_DEVICE_MAX_RESOURCES; i++)
        assert_int_equal(kaal_device_add_resource(&d, (kaal_resource_t){.kind = KAAL_RESOURCE_IO}),
                         KAAL_OK);
    assert_int_equal(kaal_device_add_resource(&d, (kaal_resource_t){.kind = KAAL_RESOURCE_IO}),
                     KAAL_ENOSPC);
}

static void test_lspci_table_shows_ids_class_bars_and_irqs(void **state)
{
    (void)state;
    build_qemu_pc(&pci);
    cap(&pci.fns[6], 0x84, KAAL_PCI_CAP_MSI, 0x00, 0x0000); /* 32-bit, 1 vector */
    kaal_device_list_t list;
    kaal_devices_init(&list, storage, 32);
    kaal_pci_config_t cfg = fake_config(&pci);
    kaal_irq_routing_t routing = qemu_routing();
    kaal_pci_enumerate(&cfg, 0, 0, 0, &routing, &list);
    kaal_isa_add_devices(&list, &routing);
    list.devices[0].pci.segment = 1;
    list.devices[0].pci.bad_bars = true;
    list.devices[0].pci.cap_loop = true;
    list.devices[0].pci.msi = (kaal_pci_msi_t){
        .offset = 0x50, .addr_64bit = true, .per_vector_mask = true, .log2_vectors = 3};
    list.n_dropped = 2;
    text_t out = {0};
    kaal_devices_print(&list, text_putc, &out);
    static const char *const want[] = {
        "0001:00:00.0 8086:1237 [0600] Host bridge (rev 02)\n",
        "        MSI at 0x50: 64-bit, 8 vectors, maskable\n",
        "        warning: BAR that makes no sense ignored\n",
        "        warning: capability list loops, walk stopped\n",
        "00:01.1 8086:7010 [0101] IDE interface (rev 00)\n",
        "        BAR4 io 0xc040 size 0x10\n",
        "00:01.3 8086:7113 [0680] Bridge (rev 03)\n",
        "00:02.0 1234:1111 [0300] VGA compatible controller (rev 02)\n",
        "        BAR0 mem32 0xfd000000 size 0x1000000 prefetchable\n",
        "00:03.0 8086:100e [0200] Ethernet controller (rev 03)\n",
        "        pin INTA line 11\n",
        "        BAR0 mem32 0xfebc0000 size 0x20000\n",
        "        BAR1 io 0xc000 size 0x40\n",
        "        IRQ 11 -> gsi 11 level high\n",
        "00:04.0 1af4:1041 [0200] Ethernet controller (rev 01)\n",
        "        BAR4 mem64 0xfe000000 size 0x4000 prefetchable\n",
        "        IRQ 10 -> gsi 10 level low\n",
        "        MSI at 0x84: 32-bit, 1 vectors\n",
        "        MSI-X at 0x98: 3 vectors, table BAR1+0, PBA BAR1+0x800\n",
        "isa com1\n        io 0x3f8 size 0x8\n        IRQ 4 -> gsi 4 edge high\n",
        "isa pit\n        io 0x40 size 0x4\n        IRQ 0 -> gsi 2 edge high\n",
        "isa debug-exit\n        io 0xf4 size 0x4\n",
        "(2 devices did not fit the table)\n",
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        if (!strstr(out.buf, want[i]))
            fail_msg("missing: %sin:\n%s", want[i], out.buf);
    }
}

/* The qemu pc devices with an MSI capability on the virtio-net. */
static void enumerate_qemu_pc(kaal_device_list_t *list)
{
    build_qemu_pc(&pci);
    cap(&pci.fns[6], 0x84, KAAL_PCI_CAP_MSI, 0x00, 0x0000); /* 32-bit, 1 vector */
    kaal_devices_init(list, storage, 32);
    kaal_pci_config_t cfg = fake_config(&pci);
    kaal_irq_routing_t routing = qemu_routing();
    assert_int_equal(kaal_pci_enumerate(&cfg, 0, 0, 0, &routing, list), KAAL_OK);
}

static void test_lspci_line_shows_one_pci_device_per_line(void **state)
{
    (void)state;
    kaal_device_list_t list;
    enumerate_qemu_pc(&list);
    text_t nic = {0}, vnet = {0}, host = {0};
    kaal_pci_print_line(find_pci(&list, 3, 0), text_putc, &nic);
    kaal_pci_print_line(find_pci(&list, 4, 0), text_putc, &vnet);
    list.devices[0].pci.segment = 1;
    kaal_pci_print_line(&list.devices[0], text_putc, &host);
    assert_string_equal(nic.buf, "00:03.0 Ethernet controller [0200]: 8086:100e (rev 03, prog-if "
                                 "00), pin INTA line 11, BAR0 mem32 0xfebc0000 size 0x20000, "
                                 "BAR1 io 0xc000 size 0x40, IRQ 11 -> gsi 11 level high");
    assert_string_equal(vnet.buf,
                        "00:04.0 Ethernet controller [0200]: 1af4:1041 (rev 01, prog-if 00), "
                        "pin INTA line 10, BAR1 mem32 0xfebd1000 size 0x1000, BAR4 mem64 "
                        "0xfe000000 size 0x4000 prefetchable, IRQ 10 -> gsi 10 level low, "
                        "MSI 1 vectors, MSI-X 3 vectors");
    assert_string_equal(host.buf,
                        "0001:00:00.0 Host bridge [0600]: 8086:1237 (rev 02, prog-if 00)");
}

/* What the table printer shows about a device: its whole record, nearly. */
static void table_of(const kaal_device_t *dev, text_t *out)
{
    kaal_device_list_t one = {.devices = (kaal_device_t *)dev, .capacity = 1, .n_devices = 1};
    kaal_devices_print(&one, text_putc, out);
}

static void test_device_wire_form_round_trips_every_field(void **state)
{
    (void)state;
    kaal_device_list_t list;
    enumerate_qemu_pc(&list);
    kaal_device_t *vnet = (kaal_device_t *)find_pci(&list, 4, 0);
    vnet->pci.msi.addr_64bit = vnet->pci.msi.per_vector_mask = true;
    vnet->pci.msi.log2_vectors = 5;
    vnet->pci.bad_bars = vnet->pci.cap_loop = true;
    vnet->pci.segment = 0xabcd;
    vnet->pci.bus = 0xfe;
    vnet->pci.dev = 31;
    vnet->pci.fn = 7;
    vnet->resources[0].flags |= KAAL_RES_UNASSIGNED;
    vnet->resources[0].base = 0x123456789abcull;
    for (size_t i = 0; i < list.n_devices; i++) {
        const kaal_device_t *d = &list.devices[i];
        uint64_t words[KAAL_DEVICE_WIRE_WORDS];
        size_t n = kaal_device_encode(d, words);
        assert_int_equal(n, 7 + 3 * d->n_resources);
        kaal_device_t back;
        memset(&back, 0x5a, sizeof(back));
        assert_int_equal(kaal_device_decode(words, n, &back), KAAL_OK);
        text_t want = {0}, got = {0};
        table_of(d, &want);
        table_of(&back, &got);
        assert_string_equal(got.buf, want.buf);
        assert_int_equal(back.bus, KAAL_BUS_PCI);
        assert_int_equal(back.pci.subsys_vendor_id, d->pci.subsys_vendor_id);
        assert_int_equal(back.pci.subsys_id, d->pci.subsys_id);
        assert_int_equal(back.pci.prog_if, d->pci.prog_if);
        assert_int_equal(back.pci.header_type, d->pci.header_type);
        assert_int_equal(back.pci.msi.addr_64bit, d->pci.msi.addr_64bit);
        assert_int_equal(back.n_resources, d->n_resources);
        for (unsigned r = 0; r < d->n_resources; r++) {
            assert_int_equal(back.resources[r].kind, d->resources[r].kind);
            assert_int_equal(back.resources[r].flags, d->resources[r].flags);
            assert_int_equal(back.resources[r].base, d->resources[r].base);
            assert_int_equal(back.resources[r].size, d->resources[r].size);
            assert_int_equal(back.resources[r].bar, d->resources[r].bar);
            assert_int_equal(back.resources[r].isa_irq, d->resources[r].isa_irq);
        }
    }
    assert_int_equal(find_pci(&list, 1, 1)->pci.prog_if, 0x80); /* the IDE one is not 0 */
}

static void test_device_decode_rejects_malformed_rows(void **state)
{
    (void)state;
    kaal_device_list_t list;
    enumerate_qemu_pc(&list);
    uint64_t words[KAAL_DEVICE_WIRE_WORDS + 3];
    size_t n = kaal_device_encode(find_pci(&list, 3, 0), words); /* 3 resources */
    kaal_device_t back;
    assert_int_equal(kaal_device_decode(words, n, &back), KAAL_OK);
    assert_int_equal(kaal_device_decode(words, n - 1, &back), KAAL_EFORMAT); /* cut short */
    assert_int_equal(kaal_device_decode(words, 6, &back), KAAL_EFORMAT);
    uint64_t saved = words[6];
    words[6] = KAAL_DEVICE_MAX_RESOURCES + 1;
    assert_int_equal(kaal_device_decode(words, sizeof(words) / 8, &back), KAAL_EFORMAT);
    words[6] = ~0ull; /* 7 + 3n must not wrap */
    assert_int_equal(kaal_device_decode(words, sizeof(words) / 8, &back), KAAL_EFORMAT);
    words[6] = saved;
    words[7] = 0; /* resource kind 0 */
    assert_int_equal(kaal_device_decode(words, n, &back), KAAL_EFORMAT);
    words[7] = KAAL_RESOURCE_IRQ + 1;
    assert_int_equal(kaal_device_decode(words, n, &back), KAAL_EFORMAT);
}

/* ---- The platform pipeline: ACPI MCFG -> ECAM, or the legacy ports ---- */

static uint8_t *ecam_window;
static unsigned n_maps;

static volatile uint8_t *map_q35_ecam(void *ctx, uint64_t paddr, uint64_t size_bytes)
{
    (void)ctx;
    n_maps++;
    assert_int_equal(paddr, 0xb0000000u);
    assert_int_equal(size_bytes, 2u << 20); /* buses 0 and 1 */
    return ecam_window;
}

static volatile uint8_t *map_nothing(void *ctx, uint64_t paddr, uint64_t size_bytes)
{
    (void)ctx;
    (void)paddr;
    (void)size_bytes;
    n_maps++;
    return NULL;
}

static uint32_t ports_must_not_be_used(void *ctx, uint16_t port)
{
    (void)ctx;
    fail_msg("legacy port %#x read although ECAM is available", port);
    return 0;
}

static void ecam_put(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint32_t v)
{
    memcpy(ecam_window + ((size_t)bus << 20) + ((size_t)dev << 15) + ((size_t)fn << 12) + off, &v,
           4);
}

static void ecam_fn(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t id, uint32_t class_rev,
                    uint8_t header, uint32_t intr)
{
    for (uint16_t off = 0; off < 0x40; off += 4)
        ecam_put(bus, dev, fn, off, 0);
    ecam_put(bus, dev, fn, 0, id);
    ecam_put(bus, dev, fn, 8, class_rev);
    ecam_put(bus, dev, fn, 0x0c, (uint32_t)header << 16);
    ecam_put(bus, dev, fn, 0x3c, intr);
}

static void test_q35_pipeline_enumerates_through_ecam_from_mcfg(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    mcfg_write(img, AT_MCFG, 0xb0000000u, 1);
    kaal_acpi_info_t info;
    assert_int_equal(kaal_acpi_parse(&img->reader, AT_RSDP, NULL, &info), KAAL_OK);
    assert_int_equal(info.n_mcfg, 1);
    kaal_irq_routing_t routing;
    kaal_acpi_irq_routing(&info, &routing);

    ecam_window = malloc(2u << 20);
    memset(ecam_window, 0xff, 2u << 20);
    ecam_fn(0, 0, 0, 0x29c08086u, 0x06000000u, 0x00, 0);
    ecam_fn(0, 2, 0, 0x10d38086u, 0x02000000u, 0x00, 0x0109); /* e1000e, INTA, line 9 */
    ecam_fn(0, 0x1f, 0, 0x29188086u, 0x06010002u, 0x80, 0);
    ecam_fn(0, 0x1f, 2, 0x29228086u, 0x01060102u, 0x00, 0x0100 | 10);
    ecam_fn(1, 0, 0, 0x10411af4u, 0x02000001u, 0x00, 0);
    kaal_pci_legacy_t unused = {.out32 = port_out32, .in32 = ports_must_not_be_used, .ctx = &pci};
    kaal_pci_platform_t plat = {
        .ecam = info.mcfg, .n_ecam = info.n_mcfg, .map_ecam = map_q35_ecam, .legacy = &unused};
    kaal_device_list_t list;
    kaal_devices_init(&list, storage, 32);
    n_maps = 0;
    assert_int_equal(kaal_pci_enumerate_platform(&plat, &routing, &list), KAAL_OK);
    assert_int_equal(n_maps, 1);
    assert_int_equal(list.n_devices, 5);
    const kaal_device_t *nic = find_pci(&list, 2, 0);
    assert_int_equal(nic->pci.device_id, 0x10d3);
    /* Plain memory as ECAM makes every BAR look like a 16-byte unassigned
     * one; the IRQ follows them. */
    const kaal_resource_t *irq = &nic->resources[nic->n_resources - 1];
    assert_resource(irq, KAAL_RESOURCE_IRQ, 9, 1, KAAL_RES_LEVEL); /* override */
    assert_int_equal(list.devices[4].pci.bus, 1);
    kaal_isa_add_devices(&list, &routing);
    text_t out = {0};
    kaal_devices_print(&list, text_putc, &out);
    assert_non_null(strstr(out.buf, "00:1f.2 8086:2922 [0106] SATA controller (rev 02)\n"
                                    "        pin INTA line 10\n"));
    assert_non_null(strstr(out.buf, "        BAR5 mem unassigned size 0x10\n"
                                    "        IRQ 10 -> gsi 10 level low\n"));
    assert_non_null(strstr(out.buf, "01:00.0 1af4:1041 [0200] Ethernet controller (rev 01)\n"));
    assert_non_null(strstr(out.buf, "isa pit\n        io 0x40 size 0x4\n        IRQ 0 -> gsi 2"));

    /* ECAM that cannot be mapped: the legacy ports are used instead */
    build_qemu_pc(&pci);
    kaal_pci_legacy_t ports = {.out32 = port_out32, .in32 = port_in32, .ctx = &pci};
    plat.map_ecam = map_nothing;
    plat.legacy = &ports;
    kaal_devices_init(&list, storage, 32);
    assert_int_equal(kaal_pci_enumerate_platform(&plat, &routing, &list), KAAL_OK);
    assert_int_equal(list.n_devices, 7);
    /* neither: nothing to enumerate with */
    plat.legacy = NULL;
    assert_int_equal(kaal_pci_enumerate_platform(&plat, &routing, &list), KAAL_ENOENT);
    /* a full list is reported from the ECAM path too */
    plat.map_ecam = map_q35_ecam;
    kaal_devices_init(&list, storage, 2);
    assert_int_equal(kaal_pci_enumerate_platform(&plat, &routing, &list), KAAL_ENOSPC);
    free(ecam_window);
    img_free(img);
}

static void test_pc_pipeline_without_mcfg_uses_the_ports(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    uint64_t entries[] = {AT_FADT, AT_MADT, AT_HPET}; /* pc: no MCFG */
    root_write(img, AT_RSDT, false, entries, 3);
    kaal_acpi_info_t info;
    assert_int_equal(kaal_acpi_parse(&img->reader, AT_RSDP, NULL, &info), KAAL_OK);
    kaal_irq_routing_t routing;
    kaal_acpi_irq_routing(&info, &routing);
    build_qemu_pc(&pci);
    kaal_pci_legacy_t ports = {.out32 = port_out32, .in32 = port_in32, .ctx = &pci};
    kaal_pci_platform_t plat = {
        .ecam = info.mcfg, .n_ecam = info.n_mcfg, .map_ecam = map_nothing, .legacy = &ports};
    kaal_device_list_t list;
    kaal_devices_init(&list, storage, 32);
    n_maps = 0;
    assert_int_equal(kaal_pci_enumerate_platform(&plat, &routing, &list), KAAL_OK);
    assert_int_equal(n_maps, 0);
    assert_int_equal(list.n_devices, 7);
    /* the PIIX4 PM function's line 9 is routed by the MADT override */
    assert_resource(&find_pci(&list, 1, 3)->resources[0], KAAL_RESOURCE_IRQ, 9, 1, KAAL_RES_LEVEL);
    img_free(img);
}

static void test_class_names_cover_common_devices(void **state)
{
    (void)state;
    assert_string_equal(kaal_pci_class_name(0x01, 0x06), "SATA controller");
    assert_string_equal(kaal_pci_class_name(0x01, 0x42), "Mass storage controller");
    assert_string_equal(kaal_pci_class_name(0x02, 0x80), "Network controller");
    assert_string_equal(kaal_pci_class_name(0x06, 0x42), "Bridge");
    assert_string_equal(kaal_pci_class_name(0x0c, 0x03), "USB controller");
    assert_string_equal(kaal_pci_class_name(0x42, 0x00), "Unknown class");
}

static void test_unassigned_bars_get_aligned_addresses_and_decoding(void **state)
{
    (void)state;
    memset(&pci, 0, sizeof(pci));
    fake_fn_t *f = add_fn(&pci, 0, 3, 0, 0x8086, 0x100e, 0x02000003, 0);
    mem_bar(f, 0, 0, 0x20000, false); /* firmware (qboot) left both at 0 */
    io_bar(f, 1, 0, 0x40, true);
    mem64_bar(f, 2, 0, 0x100000, true);
    kaal_device_list_t list;
    kaal_device_t *d = enumerate_one(&pci, &list);
    assert_int_equal(d->n_resources, 3);
    for (unsigned i = 0; i < 3; i++)
        assert_true(d->resources[i].flags & KAAL_RES_UNASSIGNED);

    kaal_pci_config_t cfg = fake_config(&pci);
    kaal_pci_window_t mmio = { 0xc0010000, 0xfec00000 }, io = { 0xc000, 0x10000 };
    assert_int_equal(kaal_pci_assign_bars(&cfg, &list, 0, &mmio, &io), KAAL_OK);
    /* Largest first: the 1 MiB BAR at the first 1 MiB boundary, then 128 KiB. */
    assert_resource(&d->resources[2], KAAL_RESOURCE_MMIO, 0xc0100000, 0x100000,
                    KAAL_RES_BAR | KAAL_RES_64BIT | KAAL_RES_PREFETCHABLE);
    assert_resource(&d->resources[0], KAAL_RESOURCE_MMIO, 0xc0200000, 0x20000, KAAL_RES_BAR);
    assert_resource(&d->resources[1], KAAL_RESOURCE_IO, 0xc000, 0x40, KAAL_RES_BAR);
    /* The device itself was programmed and decodes both spaces now. */
    assert_int_equal(f->cfg[4] & ~0xfu, 0xc0200000);
    assert_int_equal(f->cfg[5] & ~3u, 0xc000);
    assert_int_equal(f->cfg[6] & ~0xfu, 0xc0100000);
    assert_int_equal(f->cfg[7], 0);
    assert_int_equal(f->cfg[1] & 3u, KAAL_PCI_CMD_IO | KAAL_PCI_CMD_MEMORY);
    assert_int_equal(mmio.next, 0xc0220000);
}

static void test_bars_that_do_not_fit_the_window_are_never_granted(void **state)
{
    (void)state;
    memset(&pci, 0, sizeof(pci));
    fake_fn_t *f = add_fn(&pci, 0, 3, 0, 0x8086, 0x100e, 0x02000003, 0);
    mem_bar(f, 0, 0, 0x20000, false);
    kaal_device_list_t list;
    kaal_device_t *d = enumerate_one(&pci, &list);
    kaal_isa_add_devices(&list, NULL); /* not PCI: assignment passes them by */
    kaal_pci_config_t cfg = fake_config(&pci);
    kaal_pci_window_t mmio = { 0xc0000000, 0xc0010000 }, io = { 0, 0 };
    assert_int_equal(kaal_pci_assign_bars(&cfg, &list, 0, &mmio, &io), KAAL_ENOSPC);
    assert_int_equal(d->resources[0].size, 0);
    assert_false(d->resources[0].flags & KAAL_RES_UNASSIGNED);
    assert_int_equal(f->cfg[4] & ~0xfu, 0); /* nothing written */
    kaal_bundle_t b;
    assert_int_equal(kaal_broker_claim(&list,
                                       &(kaal_bundle_request_t){
                                           .match = { .kind = KAAL_MATCH_PCI_ID,
                                                      .vendor_id = 0x8086, .device_id = 0x100e },
                                           .owner = 1 },
                                       &b),
                     KAAL_OK);
    assert_int_equal(b.n_mmio, 0);
}

static void test_lspci_marks_unassigned_bars(void **state)
{
    (void)state;
    memset(&pci, 0, sizeof(pci));
    fake_fn_t *f = add_fn(&pci, 0, 3, 0, 0x8086, 0x100e, 0x02000003, 0);
    mem_bar(f, 0, 0, 0x20000, false);
    io_bar(f, 1, 0, 0x40, true);
    kaal_device_list_t list;
    enumerate_one(&pci, &list);
    text_t out = {0};
    kaal_devices_print(&list, text_putc, &out);
    assert_non_null(strstr(out.buf, "BAR0 mem unassigned size 0x20000"));
    assert_non_null(strstr(out.buf, "BAR1 io unassigned size 0x40"));
}

/* A bus-0 PCI function with an INTx pin and the line firmware programmed. */
static kaal_device_t *add_pci(kaal_device_list_t *list, uint16_t vendor, uint16_t device,
                              uint8_t slot, uint8_t fn, uint8_t pin, uint8_t line)
{
    kaal_device_t *d = kaal_devices_add(list, KAAL_BUS_PCI);
    assert_non_null(d);
    d->pci.vendor_id = vendor;
    d->pci.device_id = device;
    d->pci.dev = slot;
    d->pci.fn = fn;
    d->pci.irq_pin = pin;
    d->pci.irq_line = line;
    if (pin)
        assert_int_equal(kaal_device_add_resource(
                             d, (kaal_resource_t){.kind = KAAL_RESOURCE_IRQ, .base = line,
                                                  .size = 1, .flags = KAAL_RES_LEVEL,
                                                  .isa_irq = line}),
                         KAAL_OK);
    return d;
}

static const kaal_resource_t *irq_of(const kaal_device_t *d)
{
    for (unsigned i = 0; i < d->n_resources; i++)
        if (d->resources[i].kind == KAAL_RESOURCE_IRQ)
            return &d->resources[i];
    return NULL;
}

static void test_q35_intx_of_slots_0_to_24_goes_to_ioapic_20_to_23(void **state)
{
    (void)state;
    kaal_device_t devs[8];
    kaal_device_list_t list;
    kaal_devices_init(&list, devs, 8);
    kaal_device_t *e1000e = add_pci(&list, 0x8086, 0x10d3, 2, 0, 1, 11);
    kaal_device_t *e1000 = add_pci(&list, 0x8086, 0x100e, 3, 0, 1, 10);
    kaal_device_t *pinb = add_pci(&list, 0x1af4, 0x1000, 4, 0, 2, 10);
    kaal_device_t *host = add_pci(&list, 0x8086, 0x29c0, 0, 0, 0, 0);
    kaal_device_t *sata = add_pci(&list, 0x8086, 0x2922, 0x1f, 2, 1, 10);
    add_pci(&list, 0x8086, 0x2918, 0x1f, 0, 0, 0); /* ICH9 LPC: this is q35 */
    assert_int_equal(kaal_pci_route_qemu_q35(&list), 3);
    /* PIRQ = 4 + (slot + pin - 1) mod 4, GSI = 16 + PIRQ; level, active low. */
    assert_int_equal(irq_of(e1000e)->base, 22);
    assert_int_equal(irq_of(e1000)->base, 23);
    assert_int_equal(irq_of(pinb)->base, 16 + 4 + (4 + 1) % 4);
    assert_int_equal(irq_of(e1000)->flags, KAAL_RES_LEVEL | KAAL_RES_ACTIVE_LOW);
    assert_int_equal(irq_of(e1000)->isa_irq, 10);
    assert_null(irq_of(host));              /* no pin: nothing added */
    assert_int_equal(irq_of(sata)->base, 10); /* slot 31: left as the line says */
}

static void test_q35_routing_leaves_other_machines_alone(void **state)
{
    (void)state;
    kaal_device_t devs[4];
    kaal_device_list_t list;
    kaal_devices_init(&list, devs, 4);
    kaal_device_t *e1000 = add_pci(&list, 0x8086, 0x100e, 3, 0, 1, 11);
    add_pci(&list, 0x8086, 0x7000, 1, 0, 0, 0); /* PIIX3: QEMU's pc */
    assert_int_equal(kaal_pci_route_qemu_q35(&list), 0);
    assert_int_equal(irq_of(e1000)->base, 11);
    assert_int_equal(irq_of(e1000)->flags, KAAL_RES_LEVEL);
}

static void test_pc_intx_follows_the_piix3_pirq_routes_not_the_line(void **state)
{
    (void)state;
    kaal_device_t devs[8];
    kaal_device_list_t list;
    kaal_devices_init(&list, devs, 8);
    add_pci(&list, 0x8086, 0x7000, 1, 0, 0, 0); /* PIIX3: QEMU's pc */
    kaal_device_t *e1000 = add_pci(&list, 0x8086, 0x100e, 3, 0, 1, 11);
    kaal_device_t *blk = add_pci(&list, 0x1af4, 0x1001, 4, 0, 1, 10); /* qboot's line */
    kaal_device_t *pinc = add_pci(&list, 0x1af4, 0x1000, 5, 0, 3, 10);
    kaal_device_t *off = add_pci(&list, 0x1af4, 0x1000, 6, 0, 1, 9);
    kaal_irq_routing_t routing = {.n_overrides = 1};
    routing.overrides[0] = (kaal_irq_override_t){.isa_irq = 11, .gsi = 11, .flags = KAAL_RES_LEVEL};
    /* PIRQA-D -> 10, 10, 11, 11 as qboot programs them; slot 6 pin A is
     * PIRQB: turned off here. */
    const uint8_t route[4] = {10, 0x80 | 10, 11, 11};
    assert_int_equal(kaal_pci_route_qemu_pc(&list, route, &routing), 2);
    /* PIRQ = (slot + pin - 2) mod 4: slot 3 pin A is PIRQC (11, as the line). */
    assert_int_equal(irq_of(e1000)->base, 11);
    assert_int_equal(irq_of(e1000)->flags, KAAL_RES_LEVEL); /* unchanged */
    /* Slot 4 pin A is PIRQD: 11 through the MADT's override, not the line's 10. */
    assert_int_equal(irq_of(blk)->base, 11);
    assert_int_equal(irq_of(blk)->isa_irq, 11);
    assert_int_equal(irq_of(blk)->flags, KAAL_RES_LEVEL);
    /* Slot 5 pin C: (5 + 3 - 2) mod 4 = PIRQC, 11. */
    assert_int_equal(irq_of(pinc)->base, 11);
    /* Slot 6 pin A: (6 + 1 - 2) mod 4 = PIRQB, which is off: the line stays. */
    assert_int_equal(irq_of(off)->base, 9);
}

static void test_pc_routing_leaves_other_machines_alone(void **state)
{
    (void)state;
    kaal_device_t devs[4];
    kaal_device_list_t list;
    kaal_devices_init(&list, devs, 4);
    kaal_device_t *blk = add_pci(&list, 0x1af4, 0x1001, 4, 0, 1, 10);
    add_pci(&list, 0x8086, 0x2918, 0x1f, 0, 0, 0); /* ICH9 LPC: q35 */
    const uint8_t route[4] = {11, 11, 11, 11};
    assert_int_equal(kaal_pci_route_qemu_pc(&list, route, NULL), 0);
    assert_int_equal(irq_of(blk)->base, 10);
    assert_ptr_equal(kaal_pci_find(&list, 0x1af4, 0x1001), blk);
    assert_null(kaal_pci_find(&list, 0x1af4, 0x1000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_legacy_enumeration_finds_qemu_pc_devices),
        cmocka_unit_test(test_q35_intx_of_slots_0_to_24_goes_to_ioapic_20_to_23),
        cmocka_unit_test(test_pc_intx_follows_the_piix3_pirq_routes_not_the_line),
        cmocka_unit_test(test_pc_routing_leaves_other_machines_alone),
        cmocka_unit_test(test_q35_routing_leaves_other_machines_alone),
        cmocka_unit_test(test_bar_probe_leaves_bars_and_command_as_found),
        cmocka_unit_test(test_legacy_ports_reach_the_same_devices),
        cmocka_unit_test(test_ecam_window_is_addressed_by_bus_dev_fn),
        cmocka_unit_test(test_64_bit_bar_above_4g_is_sized_across_both_halves),
        cmocka_unit_test(test_nonsense_bars_are_flagged_and_skipped),
        cmocka_unit_test(test_msi_capability_is_decoded),
        cmocka_unit_test(test_capability_list_loops_are_detected),
        cmocka_unit_test(test_bridge_and_cardbus_headers_have_their_own_layout),
        cmocka_unit_test(test_full_device_list_reports_enospc),
        cmocka_unit_test(test_isa_devices_get_routed_irqs),
        cmocka_unit_test(test_device_resources_are_bounded),
        cmocka_unit_test(test_lspci_table_shows_ids_class_bars_and_irqs),
        cmocka_unit_test(test_lspci_line_shows_one_pci_device_per_line),
        cmocka_unit_test(test_device_wire_form_round_trips_every_field),
        cmocka_unit_test(test_device_decode_rejects_malformed_rows),
        cmocka_unit_test(test_class_names_cover_common_devices),
        cmocka_unit_test(test_unassigned_bars_get_aligned_addresses_and_decoding),
        cmocka_unit_test(test_bars_that_do_not_fit_the_window_are_never_granted),
        cmocka_unit_test(test_lspci_marks_unassigned_bars),
        cmocka_unit_test(test_q35_pipeline_enumerates_through_ecam_from_mcfg),
        cmocka_unit_test(test_pc_pipeline_without_mcfg_uses_the_ports),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
