// SPDX-License-Identifier: BSD-2-Clause
/*
 * Physical-memory images with ACPI tables, for the broker's tests. Included
 * (not linked) by test_acpi.c and test_pci.c, so everything is
 * static. An image is a few regions of fake physical memory; the reader
 * succeeds only for ranges that lie entirely in one region, like device
 * frames mapped by init. acpi_image_qemu() lays out tables the way QEMU's
 * pc machine does (RSDP in the BIOS area, RSDT, FADT+DSDT, MADT, HPET) plus
 * an MCFG as on q35; tests then break one thing at a time.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kaal/acpi.h>

#define IMG_MAX_REGIONS 4
#define IMG_BIOS_BASE 0xe0000u
#define IMG_BIOS_BYTES 0x20000u

/* Where acpi_image_qemu() puts each table. */
#define AT_RSDP 0xf5a30u
#define AT_RSDT 0xe1000u
#define AT_XSDT 0xe1100u
#define AT_FADT 0xe2000u
#define AT_DSDT 0xe3000u
#define AT_MADT 0xe4000u
#define AT_HPET 0xe5000u
#define AT_MCFG 0xe6000u
#define AT_SPARE 0xe8000u

typedef struct img_region {
    uint64_t base;
    size_t size;
    uint8_t *bytes;
} img_region_t;

typedef struct img {
    unsigned n_regions;
    img_region_t regions[IMG_MAX_REGIONS];
    kaal_phys_reader_t reader;
    unsigned n_reads;
} img_t;

static __attribute__((unused)) bool img_read(void *ctx, uint64_t paddr, void *dst, size_t n)
{
    img_t *img = ctx;
    img->n_reads++;
    for (unsigned i = 0; i < img->n_regions; i++) {
        const img_region_t *r = &img->regions[i];
        if (paddr >= r->base && paddr - r->base <= r->size && n <= r->size - (paddr - r->base)) {
            memcpy(dst, r->bytes + (paddr - r->base), n);
            return true;
        }
    }
    return false;
}

static __attribute__((unused)) void img_add_region(img_t *img, uint64_t base, size_t size)
{
    img_region_t *r = &img->regions[img->n_regions++];
    r->base = base;
    r->size = size;
    r->bytes = calloc(1, size);
}

static __attribute__((unused)) img_t *img_new(void)
{
    img_t *img = calloc(1, sizeof(*img));
    img->reader.read = img_read;
    img->reader.ctx = img;
    img_add_region(img, IMG_BIOS_BASE, IMG_BIOS_BYTES);
    return img;
}

static __attribute__((unused)) void img_free(img_t *img)
{
    for (unsigned i = 0; i < img->n_regions; i++)
        free(img->regions[i].bytes);
    free(img);
}

static uint8_t *img_at(img_t *img, uint64_t paddr)
{
    for (unsigned i = 0; i < img->n_regions; i++) {
        img_region_t *r = &img->regions[i];
        if (paddr >= r->base && paddr < r->base + r->size)
            return r->bytes + (paddr - r->base);
    }
    abort(); /* a test wrote outside its image */
}

static __attribute__((unused)) void put8(img_t *img, uint64_t pa, uint8_t v)
{
    *img_at(img, pa) = v;
}

static void put16(img_t *img, uint64_t pa, uint16_t v)
{
    for (unsigned i = 0; i < 2; i++)
        *img_at(img, pa + i) = (uint8_t)(v >> (8 * i));
}

static void put32(img_t *img, uint64_t pa, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        *img_at(img, pa + i) = (uint8_t)(v >> (8 * i));
}

static void put64(img_t *img, uint64_t pa, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++)
        *img_at(img, pa + i) = (uint8_t)(v >> (8 * i));
}

static void put_bytes(img_t *img, uint64_t pa, const void *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        *img_at(img, pa + i) = ((const uint8_t *)src)[i];
}

static uint8_t sum_bytes(img_t *img, uint64_t pa, size_t n)
{
    uint8_t s = 0;
    for (size_t i = 0; i < n; i++)
        s = (uint8_t)(s + *img_at(img, pa + i));
    return s;
}

/* Writes an SDT header; the body is written by the caller, then sdt_seal(). */
static void sdt_header(img_t *img, uint64_t pa, const char *sig, uint8_t rev)
{
    put_bytes(img, pa, sig, 4);
    put8(img, pa + 8, rev);
    put_bytes(img, pa + 10, "KAALTS", 6);
    put_bytes(img, pa + 16, "KAALTEST", 8);
    put32(img, pa + 24, 1);
    put_bytes(img, pa + 28, "KAAL", 4);
    put32(img, pa + 32, 1);
}

/* Sets the length and makes the checksum right. */
static void sdt_seal(img_t *img, uint64_t pa, uint32_t len)
{
    put32(img, pa + 4, len);
    put8(img, pa + 9, 0);
    put8(img, pa + 9, (uint8_t)(0 - sum_bytes(img, pa, len)));
}

static __attribute__((unused)) void sdt_break_checksum(img_t *img, uint64_t pa)
{
    put8(img, pa + 9, (uint8_t)(*img_at(img, pa + 9) + 1));
}

static void rsdp_write(img_t *img, uint64_t pa, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
    put_bytes(img, pa, "RSD PTR ", 8);
    put_bytes(img, pa + 9, "KAALTS", 6);
    put8(img, pa + 15, rev);
    put32(img, pa + 16, rsdt);
    put8(img, pa + 8, 0);
    put8(img, pa + 8, (uint8_t)(0 - sum_bytes(img, pa, 20)));
    if (rev >= 2) {
        put32(img, pa + 20, 36);
        put64(img, pa + 24, xsdt);
        put8(img, pa + 32, 0);
        put8(img, pa + 32, (uint8_t)(0 - sum_bytes(img, pa, 36)));
    }
}

/* An RSDT (entry_bytes 4) or XSDT (8) listing n tables. */
static void root_write(img_t *img, uint64_t pa, bool xsdt, const uint64_t *entries, unsigned n)
{
    sdt_header(img, pa, xsdt ? "XSDT" : "RSDT", 1);
    for (unsigned i = 0; i < n; i++) {
        if (xsdt)
            put64(img, pa + 36 + 8 * i, entries[i]);
        else
            put32(img, pa + 36 + 4 * i, (uint32_t)entries[i]);
    }
    sdt_seal(img, pa, 36 + n * (xsdt ? 8 : 4));
}

/* MADT entries, each appended at *off. */
static void madt_lapic(img_t *img, uint64_t pa, uint32_t *off, uint8_t uid, uint8_t apic,
                       uint32_t flags)
{
    put8(img, pa + *off, 0);
    put8(img, pa + *off + 1, 8);
    put8(img, pa + *off + 2, uid);
    put8(img, pa + *off + 3, apic);
    put32(img, pa + *off + 4, flags);
    *off += 8;
}

static void madt_ioapic(img_t *img, uint64_t pa, uint32_t *off, uint8_t id, uint32_t addr,
                        uint32_t gsi_base)
{
    put8(img, pa + *off, 1);
    put8(img, pa + *off + 1, 12);
    put8(img, pa + *off + 2, id);
    put32(img, pa + *off + 4, addr);
    put32(img, pa + *off + 8, gsi_base);
    *off += 12;
}

static void madt_override(img_t *img, uint64_t pa, uint32_t *off, uint8_t irq, uint32_t gsi,
                          uint16_t flags)
{
    put8(img, pa + *off, 2);
    put8(img, pa + *off + 1, 10);
    put8(img, pa + *off + 2, 0);
    put8(img, pa + *off + 3, irq);
    put32(img, pa + *off + 4, gsi);
    put16(img, pa + *off + 8, flags);
    *off += 10;
}

/* A MADT like QEMU's for 2 CPUs: returns its length. */
static __attribute__((unused)) uint32_t madt_write_qemu(img_t *img, uint64_t pa)
{
    sdt_header(img, pa, "APIC", 1);
    put32(img, pa + 36, 0xfee00000u);
    put32(img, pa + 40, 1);
    uint32_t off = 44;
    madt_lapic(img, pa, &off, 0, 0, 1);
    madt_lapic(img, pa, &off, 1, 1, 0);
    madt_ioapic(img, pa, &off, 0, 0xfec00000u, 0);
    madt_override(img, pa, &off, 0, 2, 0);
    madt_override(img, pa, &off, 9, 9, 0x0d); /* level, active high */
    /* local APIC NMI (type 4, 6 bytes): listed, not interpreted */
    put8(img, pa + off, 4);
    put8(img, pa + off + 1, 6);
    put8(img, pa + off + 2, 0xff);
    put16(img, pa + off + 3, 0x5);
    put8(img, pa + off + 5, 1);
    off += 6;
    sdt_seal(img, pa, off);
    return off;
}

/* A DSDT holding only Name(_S5, Package(4) {0x05, Zero, Zero, Zero}). */
static __attribute__((unused)) void dsdt_write(img_t *img, uint64_t pa, const uint8_t *aml,
                                               size_t n)
{
    sdt_header(img, pa, "DSDT", 1);
    put_bytes(img, pa + 36, aml, n);
    sdt_seal(img, pa, (uint32_t)(36 + n));
}

static const uint8_t aml_s5[] = {0x10, 0x08, 0x08, '_',  'S',  '5',  '_', 0x12,
                                 0x07, 0x04, 0x0a, 0x05, 0x00, 0x00, 0x00};

static void gas_write(img_t *img, uint64_t pa, uint8_t space, uint8_t width, uint64_t addr)
{
    put8(img, pa, space);
    put8(img, pa + 1, width);
    put8(img, pa + 2, 0);
    put8(img, pa + 3, 1);
    put64(img, pa + 4, addr);
}

/* A FADT of len bytes (116: ACPI 1.0, 244: ACPI 3.0, as QEMU's). */
static __attribute__((unused)) void fadt_write(img_t *img, uint64_t pa, uint32_t len, uint64_t dsdt)
{
    sdt_header(img, pa, "FACP", len >= 244 ? 3 : 1);
    put32(img, pa + 40, (uint32_t)dsdt);
    put16(img, pa + 46, 9);     /* SCI */
    put32(img, pa + 48, 0xb2);  /* SMI_CMD */
    put8(img, pa + 52, 0xf1);   /* ACPI_ENABLE */
    put32(img, pa + 56, 0x600); /* PM1a_EVT */
    put32(img, pa + 64, 0x604); /* PM1a_CNT */
    put32(img, pa + 76, 0x608); /* PM_TMR */
    put8(img, pa + 88, 4);
    put8(img, pa + 89, 2);
    put8(img, pa + 91, 4);
    put16(img, pa + 109, 0x0003);                 /* legacy devices, 8042 */
    put32(img, pa + 112, (1u << 8) | (1u << 10)); /* TMR_VAL_EXT, RESET_REG_SUP */
    if (len >= 129) {
        gas_write(img, pa + 116, KAAL_ACPI_SPACE_IO, 8, 0xcf9);
        put8(img, pa + 128, 0x06);
    }
    if (len >= 244) {
        put64(img, pa + 140, dsdt);
        gas_write(img, pa + 148, KAAL_ACPI_SPACE_IO, 32, 0x600);
        gas_write(img, pa + 172, KAAL_ACPI_SPACE_IO, 16, 0x604);
        gas_write(img, pa + 208, KAAL_ACPI_SPACE_IO, 32, 0x608);
    }
    sdt_seal(img, pa, len);
}

static __attribute__((unused)) void hpet_write(img_t *img, uint64_t pa)
{
    sdt_header(img, pa, "HPET", 1);
    put32(img, pa + 36, 0x8086a201u); /* vendor 8086, 64-bit, 3 comparators */
    gas_write(img, pa + 40, KAAL_ACPI_SPACE_MEMORY, 0, 0xfed00000u);
    put8(img, pa + 52, 0);
    put16(img, pa + 53, 0x80);
    sdt_seal(img, pa, 56);
}

static __attribute__((unused)) void mcfg_write(img_t *img, uint64_t pa, uint64_t base,
                                               uint8_t bus_end)
{
    sdt_header(img, pa, "MCFG", 1);
    put64(img, pa + 44, base);
    put16(img, pa + 52, 0);
    put8(img, pa + 54, 0);
    put8(img, pa + 55, bus_end);
    sdt_seal(img, pa, 60);
}

/* The full set: RSDP rev 0 -> RSDT -> FADT(244)+DSDT, MADT, HPET, MCFG. */
static __attribute__((unused)) img_t *acpi_image_qemu(void)
{
    img_t *img = img_new();
    rsdp_write(img, AT_RSDP, 0, AT_RSDT, 0);
    uint64_t entries[] = {AT_FADT, AT_MADT, AT_HPET, AT_MCFG};
    root_write(img, AT_RSDT, false, entries, 4);
    fadt_write(img, AT_FADT, 244, AT_DSDT);
    dsdt_write(img, AT_DSDT, aml_s5, sizeof(aml_s5));
    madt_write_qemu(img, AT_MADT);
    hpet_write(img, AT_HPET);
    mcfg_write(img, AT_MCFG, 0xb0000000u, 255);
    return img;
}

/* Collects warnings (and printer output) into a string. */
typedef struct text {
    char buf[16384];
    size_t len;
} text_t;

static __attribute__((unused)) void text_putc(void *ctx, char c)
{
    text_t *t = ctx;
    if (t->len + 1 < sizeof(t->buf)) {
        t->buf[t->len++] = c;
        t->buf[t->len] = 0;
    }
}
