// SPDX-License-Identifier: BSD-2-Clause
/* The broker's ACPI parser (runtime/acpi/acpi.c) on table images built
 * here: QEMU-like valid sets, then one breakage at a time. A broken table
 * must be skipped with a warning, never crash or read outside the image. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "test_acpi_image.c"

typedef struct run {
    kaal_acpi_info_t info;
    text_t warnings;
    kaal_acpi_options_t opts;
    kaal_error_t err;
} run_t;

static run_t *parse_at(img_t *img, uint64_t rsdp, bool ignore_checksums)
{
    static run_t r;
    memset(&r, 0, sizeof(r));
    r.opts = (kaal_acpi_options_t){
        .warn = text_putc, .warn_ctx = &r.warnings, .ignore_checksums = ignore_checksums};
    r.err = kaal_acpi_parse(&img->reader, rsdp, &r.opts, &r.info);
    return &r;
}

static run_t *parse(img_t *img)
{
    return parse_at(img, AT_RSDP, false);
}

static kaal_acpi_table_status_t status_of(const run_t *r, uint64_t paddr)
{
    for (unsigned i = 0; i < r->info.n_tables; i++) {
        if (r->info.tables[i].paddr == paddr)
            return r->info.tables[i].status;
    }
    fail_msg("no table entry at %#llx", (unsigned long long)paddr);
    return KAAL_ACPI_TABLE_OK;
}

#define assert_warned(r, needle)                                                                   \
    do {                                                                                           \
        if (!strstr((r)->warnings.buf, (needle)))                                                  \
            fail_msg("warning \"%s\" missing; got:\n%s", (needle), (r)->warnings.buf);             \
    } while (0)

static void test_rsdp_is_found_in_the_bios_area(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    /* a decoy with the signature but a wrong checksum comes first */
    put_bytes(img, 0xe0010, "RSD PTR ", 8);
    kaal_acpi_rsdp_ret_t r = kaal_acpi_find_rsdp(&img->reader);
    assert_int_equal(r.err, KAAL_OK);
    assert_int_equal(r.paddr, AT_RSDP);
    img_free(img);
}

static void test_rsdp_is_found_in_the_ebda_first(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    img_add_region(img, 0, 0x1000);      /* BIOS data area */
    img_add_region(img, 0x9fc00, 0x400); /* EBDA */
    put16(img, KAAL_ACPI_BDA_EBDA_SEGMENT, 0x9fc0);
    rsdp_write(img, 0x9fc00 + 0x40, 0, AT_RSDT, 0);
    kaal_acpi_rsdp_ret_t r = kaal_acpi_find_rsdp(&img->reader);
    assert_int_equal(r.err, KAAL_OK);
    assert_int_equal(r.paddr, 0x9fc40);
    img_free(img);
}

static void test_missing_rsdp_is_reported_not_found(void **state)
{
    (void)state;
    img_t *img = img_new();
    img_add_region(img, 0, 0x1000);
    put16(img, KAAL_ACPI_BDA_EBDA_SEGMENT, 0x9fc0); /* EBDA not readable */
    kaal_acpi_rsdp_ret_t r = kaal_acpi_find_rsdp(&img->reader);
    assert_int_equal(r.err, KAAL_ENOENT);
    img_free(img);
}

static void test_qemu_tables_are_parsed_completely(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    run_t *r = parse(img);
    assert_int_equal(r->err, KAAL_OK);
    assert_int_equal(r->info.n_warnings, 0);
    assert_string_equal(r->warnings.buf, "");
    assert_false(r->info.uses_xsdt);
    assert_int_equal(r->info.root_paddr, AT_RSDT);
    assert_string_equal(r->info.oem_id, "KAALTS");
    /* RSDT, FACP, DSDT, APIC, HPET, MCFG */
    assert_int_equal(r->info.n_tables, 6);
    assert_non_null(kaal_acpi_table(&r->info, "DSDT"));
    assert_null(kaal_acpi_table(&r->info, "SSDT"));

    const kaal_acpi_info_t *i = &r->info;
    assert_true(i->madt.present);
    assert_int_equal(i->madt.lapic_paddr, 0xfee00000u);
    assert_true(i->madt.pcat_compat);
    assert_int_equal(i->madt.n_cpus, 2);
    assert_true(i->madt.cpus[0].enabled);
    assert_false(i->madt.cpus[1].enabled);
    assert_int_equal(i->madt.cpus[1].apic_id, 1);
    assert_int_equal(i->madt.n_ioapics, 1);
    assert_int_equal(i->madt.ioapics[0].paddr, 0xfec00000u);
    assert_int_equal(i->madt.n_overrides, 2);
    assert_int_equal(i->madt.overrides[0].source_irq, 0);
    assert_int_equal(i->madt.overrides[0].gsi, 2);

    assert_true(i->fadt.present);
    assert_int_equal(i->fadt.sci_irq, 9);
    assert_int_equal(i->fadt.pm1a_cnt.address, 0x604);
    assert_int_equal(i->fadt.pm1a_cnt.space, KAAL_ACPI_SPACE_IO);
    assert_int_equal(i->fadt.pm1a_cnt.bit_width, 16);
    assert_int_equal(i->fadt.pm1a_evt.address, 0x600);
    assert_int_equal(i->fadt.pm1b_cnt.address, 0);
    assert_int_equal(i->fadt.pm_timer.address, 0x608);
    assert_true(i->fadt.pm_timer_32bit);
    assert_int_equal(i->fadt.reset_reg.address, 0xcf9);
    assert_int_equal(i->fadt.reset_value, 6);
    assert_true(i->fadt.reset_supported);
    assert_int_equal(i->fadt.dsdt_paddr, AT_DSDT);
    assert_true(i->fadt.s5_valid);
    assert_int_equal(i->fadt.s5_slp_typ_a, 5);
    assert_int_equal(i->fadt.s5_slp_typ_b, 0);

    assert_true(i->hpet.present);
    assert_int_equal(i->hpet.base, 0xfed00000u);
    assert_int_equal(i->hpet.n_comparators, 3);
    assert_true(i->hpet.counter_64bit);
    assert_int_equal(i->hpet.vendor_id, 0x8086);
    assert_int_equal(i->hpet.min_tick, 0x80);

    assert_int_equal(i->n_mcfg, 1);
    assert_int_equal(i->mcfg[0].base, 0xb0000000u);
    assert_int_equal(i->mcfg[0].bus_end, 255);
    img_free(img);
}

static void test_irq_routing_follows_madt_overrides(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    run_t *r = parse(img);
    /* an override for another bus, and one active-low edge */
    r->info.madt.overrides[r->info.madt.n_overrides++] =
        (kaal_acpi_override_t){.bus = 1, .source_irq = 5, .gsi = 20};
    r->info.madt.overrides[r->info.madt.n_overrides++] =
        (kaal_acpi_override_t){.bus = 0, .source_irq = 7, .gsi = 7, .flags = 0x7};
    kaal_irq_routing_t routing;
    kaal_acpi_irq_routing(&r->info, &routing);
    assert_int_equal(routing.n_overrides, 3);
    kaal_resource_t timer = kaal_irq_route(&routing, 0, 0);
    assert_int_equal(timer.base, 2);
    assert_int_equal(timer.flags, 0);
    kaal_resource_t sci = kaal_irq_route(&routing, 9, 0);
    assert_int_equal(sci.flags, KAAL_RES_LEVEL);
    kaal_resource_t seven = kaal_irq_route(&routing, 7, KAAL_RES_LEVEL);
    assert_int_equal(seven.flags, KAAL_RES_ACTIVE_LOW);
    assert_int_equal(kaal_irq_route(&routing, 5, 0).base, 5);
    assert_int_equal(kaal_irq_route(NULL, 4, 0).base, 4);

    /* more overrides than the routing table holds: the rest are dropped */
    r->info.madt.n_overrides = KAAL_ACPI_MAX_OVERRIDES;
    for (unsigned k = 0; k < KAAL_ACPI_MAX_OVERRIDES; k++)
        r->info.madt.overrides[k] = (kaal_acpi_override_t){.source_irq = (uint8_t)k, .gsi = k};
    kaal_irq_routing_t small;
    kaal_acpi_irq_routing(&r->info, &small);
    assert_int_equal(small.n_overrides, KAAL_IRQ_MAX_OVERRIDES);
    img_free(img);
}

static void test_xsdt_is_preferred_on_revision_2(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    uint64_t entries[] = {AT_MADT, AT_FADT};
    root_write(img, AT_XSDT, true, entries, 2);
    rsdp_write(img, AT_RSDP, 2, AT_RSDT, AT_XSDT);
    run_t *r = parse(img);
    assert_int_equal(r->err, KAAL_OK);
    assert_true(r->info.uses_xsdt);
    assert_int_equal(r->info.rsdp_revision, 2);
    assert_true(r->info.madt.present);
    assert_false(r->info.hpet.present); /* only the RSDT lists it */
    img_free(img);
}

static void test_broken_xsdt_falls_back_to_rsdt(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    uint64_t entries[] = {AT_MADT};
    root_write(img, AT_XSDT, true, entries, 1);
    sdt_break_checksum(img, AT_XSDT);
    rsdp_write(img, AT_RSDP, 2, AT_RSDT, AT_XSDT);
    run_t *r = parse(img);
    assert_int_equal(r->err, KAAL_OK);
    assert_false(r->info.uses_xsdt);
    assert_true(r->info.hpet.present);
    assert_warned(r, "XSDT unusable");
    assert_int_equal(status_of(r, AT_XSDT), KAAL_ACPI_TABLE_BAD_CHECKSUM);

    /* an XSDT address of 0 means the same */
    rsdp_write(img, AT_RSDP, 2, AT_RSDT, 0);
    r = parse(img);
    assert_false(r->info.uses_xsdt);
    assert_warned(r, "XSDT unusable");
    img_free(img);
}

static void test_bad_extended_rsdp_checksum_uses_rsdt(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    uint64_t entries[] = {AT_MADT};
    root_write(img, AT_XSDT, true, entries, 1);
    rsdp_write(img, AT_RSDP, 2, AT_RSDT, AT_XSDT);
    put8(img, AT_RSDP + 32, (uint8_t)(*img_at(img, AT_RSDP + 32) + 1));
    run_t *r = parse(img);
    assert_false(r->info.uses_xsdt);
    assert_warned(r, "RSDP extended part");

    /* an extended length that is absurd is the same failure */
    rsdp_write(img, AT_RSDP, 2, AT_RSDT, AT_XSDT);
    put32(img, AT_RSDP + 20, 0x10000);
    r = parse(img);
    assert_false(r->info.uses_xsdt);
    assert_warned(r, "RSDP extended part");

    /* and one whose extended part is not readable at all */
    uint64_t last = IMG_BIOS_BASE + IMG_BIOS_BYTES - 32; /* v1 part fits, v2 does not */
    rsdp_write(img, last, 0, AT_RSDT, 0);
    put8(img, last + 15, 2);
    put8(img, last + 8, (uint8_t)(*img_at(img, last + 8) - 2));
    r = parse_at(img, last, false);
    assert_int_equal(r->err, KAAL_OK);
    assert_false(r->info.uses_xsdt);
    img_free(img);
}

static void test_invalid_rsdp_or_root_fails_the_parse(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    run_t *r = parse_at(img, AT_RSDP + 16, false);
    assert_int_equal(r->err, KAAL_EFORMAT);
    assert_warned(r, "no valid RSDP");
    r = parse_at(img, 0x100000000ull, false); /* not readable */
    assert_int_equal(r->err, KAAL_EFORMAT);

    sdt_break_checksum(img, AT_RSDT);
    r = parse(img);
    assert_int_equal(r->err, KAAL_EFORMAT);
    assert_false(r->info.madt.present);

    /* the root must be an RSDT */
    rsdp_write(img, AT_RSDP, 0, AT_MADT, 0);
    r = parse(img);
    assert_int_equal(r->err, KAAL_EFORMAT);
    assert_int_equal(status_of(r, AT_MADT), KAAL_ACPI_TABLE_MALFORMED);
    assert_warned(r, "is not a RSDT");
    img_free(img);
}

static void test_table_with_bad_checksum_is_skipped_with_warning(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    sdt_break_checksum(img, AT_MADT);
    run_t *r = parse(img);
    assert_int_equal(r->err, KAAL_OK);
    assert_false(r->info.madt.present);
    assert_true(r->info.fadt.present);
    assert_int_equal(status_of(r, AT_MADT), KAAL_ACPI_TABLE_BAD_CHECKSUM);
    assert_warned(r, "APIC at 0xe4000: bad checksum, skipped");
    assert_null(kaal_acpi_table(&r->info, "APIC"));
    assert_int_equal(r->info.n_warnings, 1);

    /* unless the caller accepts bad checksums */
    r = parse_at(img, AT_RSDP, true);
    assert_true(r->info.madt.present);
    assert_warned(r, "bad checksum, used anyway");

    /* without options, warnings are only counted */
    kaal_acpi_info_t info;
    assert_int_equal(kaal_acpi_parse(&img->reader, AT_RSDP, NULL, &info), KAAL_OK);
    assert_int_equal(info.n_warnings, 1);
    assert_false(info.madt.present);
    img_free(img);
}

static void test_table_running_past_readable_memory_is_skipped(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    uint64_t at = IMG_BIOS_BASE + IMG_BIOS_BYTES - 64; /* 64 bytes before the end */
    sdt_header(img, at, "SSDT", 1);
    put32(img, at + 4, 200);
    uint64_t entries[] = {at, AT_MADT, 0, 0x7fff0000, UINT32_MAX - 8};
    root_write(img, AT_RSDT, false, entries, 5);
    run_t *r = parse(img);
    assert_int_equal(r->err, KAAL_OK);
    assert_int_equal(status_of(r, at), KAAL_ACPI_TABLE_UNREADABLE);
    assert_int_equal(status_of(r, 0), KAAL_ACPI_TABLE_UNREADABLE);
    assert_int_equal(status_of(r, 0x7fff0000), KAAL_ACPI_TABLE_UNREADABLE);
    assert_warned(r, "runs into unreadable memory");
    assert_true(r->info.madt.present);

    /* XSDT entries near the top of the address space must not wrap */
    uint64_t x[] = {UINT64_MAX - 16, AT_MADT};
    root_write(img, AT_XSDT, true, x, 2);
    rsdp_write(img, AT_RSDP, 2, AT_RSDT, AT_XSDT);
    r = parse(img);
    assert_true(r->info.uses_xsdt);
    assert_int_equal(status_of(r, UINT64_MAX - 16), KAAL_ACPI_TABLE_UNREADABLE);
    assert_true(r->info.madt.present);
    img_free(img);
}

static void test_impossible_lengths_are_rejected(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    put32(img, AT_HPET + 4, 20);          /* shorter than a header */
    put32(img, AT_MCFG + 4, 0x80000000u); /* absurd */
    run_t *r = parse(img);
    assert_int_equal(status_of(r, AT_HPET), KAAL_ACPI_TABLE_BAD_LENGTH);
    assert_int_equal(status_of(r, AT_MCFG), KAAL_ACPI_TABLE_BAD_LENGTH);
    assert_false(r->info.hpet.present);
    assert_int_equal(r->info.n_mcfg, 0);
    assert_warned(r, "length 20 impossible");
    img_free(img);
}

static void test_overlapping_and_duplicate_tables_are_skipped(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    /* a second MADT elsewhere, and the first one listed twice */
    madt_write_qemu(img, AT_SPARE);
    uint64_t entries[] = {AT_MADT, AT_SPARE, AT_MADT};
    root_write(img, AT_RSDT, false, entries, 3);
    run_t *r = parse(img);
    assert_int_equal(r->info.tables[1].status, KAAL_ACPI_TABLE_OK);
    assert_int_equal(status_of(r, AT_SPARE), KAAL_ACPI_TABLE_DUPLICATE);
    assert_int_equal(r->info.tables[3].status, KAAL_ACPI_TABLE_OVERLAPS);
    assert_warned(r, "second APIC");
    assert_warned(r, "overlaps APIC");
    img_free(img);

    /* a table nested inside another one with a valid checksum of its own */
    img = acpi_image_qemu();
    sdt_header(img, AT_SPARE, "OEM1", 1);
    sdt_header(img, AT_SPARE + 64, "OEM2", 1);
    sdt_seal(img, AT_SPARE + 64, 36);
    sdt_seal(img, AT_SPARE, 128);
    uint64_t nested[] = {AT_SPARE, AT_SPARE + 64};
    root_write(img, AT_RSDT, false, nested, 2);
    r = parse(img);
    assert_int_equal(status_of(r, AT_SPARE), KAAL_ACPI_TABLE_OK);
    assert_int_equal(status_of(r, AT_SPARE + 64), KAAL_ACPI_TABLE_OVERLAPS);
    img_free(img);
}

static void test_zero_length_madt_entry_stops_the_walk(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    sdt_header(img, AT_MADT, "APIC", 1);
    put32(img, AT_MADT + 36, 0xfee00000u);
    uint32_t off = 44;
    madt_lapic(img, AT_MADT, &off, 0, 0, 1);
    put8(img, AT_MADT + off, 0); /* type 0, length 0: would loop forever */
    put8(img, AT_MADT + off + 1, 0);
    madt_lapic(img, AT_MADT, &(uint32_t){off + 2}, 1, 1, 1);
    sdt_seal(img, AT_MADT, off + 10);
    run_t *r = parse(img);
    assert_true(r->info.madt.present);
    assert_int_equal(r->info.madt.n_cpus, 1);
    assert_int_equal(status_of(r, AT_MADT), KAAL_ACPI_TABLE_MALFORMED);
    assert_warned(r, "zero-length entry");
    img_free(img);
}

static void test_madt_entries_past_the_end_or_too_short_are_not_used(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    sdt_header(img, AT_MADT, "APIC", 1);
    uint32_t off = 44;
    put8(img, AT_MADT + off, 1); /* IOAPIC entry claiming 4 bytes: too short */
    put8(img, AT_MADT + off + 1, 4);
    off += 4;
    put8(img, AT_MADT + off, 0x7f); /* unknown type: skipped by its length */
    put8(img, AT_MADT + off + 1, 3);
    off += 3;
    madt_lapic(img, AT_MADT, &off, 3, 7, 1);
    put8(img, AT_MADT + off, 0); /* LAPIC whose length runs past the end */
    put8(img, AT_MADT + off + 1, 8);
    sdt_seal(img, AT_MADT, off + 4);
    run_t *r = parse(img);
    assert_int_equal(r->info.madt.n_ioapics, 0);
    assert_int_equal(r->info.madt.n_cpus, 1);
    assert_int_equal(r->info.madt.cpus[0].apic_id, 7);
    assert_warned(r, "entry too short for its type");
    assert_warned(r, "entry runs past the end");

    /* a lone byte after the last entry */
    sdt_header(img, AT_MADT, "APIC", 1);
    off = 44;
    madt_lapic(img, AT_MADT, &off, 0, 0, 1);
    sdt_seal(img, AT_MADT, off + 1);
    r = parse(img);
    assert_int_equal(r->info.madt.n_cpus, 1);
    assert_warned(r, "entry header cut off");

    /* a MADT with no room for its fixed fields */
    sdt_header(img, AT_MADT, "APIC", 1);
    sdt_seal(img, AT_MADT, 40);
    r = parse(img);
    assert_false(r->info.madt.present);
    assert_int_equal(status_of(r, AT_MADT), KAAL_ACPI_TABLE_MALFORMED);
    img_free(img);
}

static void test_x2apic_and_lapic_address_override_are_read(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    sdt_header(img, AT_MADT, "APIC", 1);
    put32(img, AT_MADT + 36, 0xfee00000u);
    put32(img, AT_MADT + 40, 0); /* no 8259s */
    uint32_t off = 44;
    put8(img, AT_MADT + off, 5);
    put8(img, AT_MADT + off + 1, 12);
    put64(img, AT_MADT + off + 4, 0x1fee00000ull);
    off += 12;
    put8(img, AT_MADT + off, 9);
    put8(img, AT_MADT + off + 1, 16);
    put32(img, AT_MADT + off + 4, 300); /* x2APIC id */
    put32(img, AT_MADT + off + 8, 1);
    put32(img, AT_MADT + off + 12, 42); /* uid */
    off += 16;
    sdt_seal(img, AT_MADT, off);
    run_t *r = parse(img);
    assert_int_equal(r->info.madt.lapic_paddr, 0x1fee00000ull);
    assert_int_equal(r->info.madt.n_cpus, 1);
    assert_true(r->info.madt.cpus[0].x2apic);
    assert_int_equal(r->info.madt.cpus[0].apic_id, 300);
    assert_int_equal(r->info.madt.cpus[0].processor_uid, 42);
    assert_false(r->info.madt.pcat_compat);
    img_free(img);
}

static void test_absurd_counts_are_capped_with_warnings(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    /* a MADT with 100 CPUs, 10 IOAPICs and 20 overrides (8 KiB in the spare area) */
    sdt_header(img, AT_SPARE, "APIC", 1);
    uint32_t off = 44;
    for (unsigned i = 0; i < 100; i++)
        madt_lapic(img, AT_SPARE, &off, (uint8_t)i, (uint8_t)i, 1);
    for (unsigned i = 0; i < 10; i++)
        madt_ioapic(img, AT_SPARE, &off, (uint8_t)i, 0xfec00000u + 0x1000 * i, 24 * i);
    for (unsigned i = 0; i < 20; i++)
        madt_override(img, AT_SPARE, &off, (uint8_t)i, i, 0);
    sdt_seal(img, AT_SPARE, off);
    /* an MCFG with 10 segments */
    sdt_header(img, AT_MCFG, "MCFG", 1);
    for (unsigned i = 0; i < 10; i++) {
        put64(img, AT_MCFG + 44 + 16 * i, 0xb0000000ull + 0x10000000ull * i);
        put16(img, AT_MCFG + 44 + 16 * i + 8, (uint16_t)i);
        put8(img, AT_MCFG + 44 + 16 * i + 11, 255);
    }
    sdt_seal(img, AT_MCFG, 44 + 160);
    /* an RSDT listing 40 tables */
    uint64_t entries[40];
    entries[0] = AT_SPARE;
    entries[1] = AT_MCFG;
    for (unsigned i = 2; i < 40; i++)
        entries[i] = 0xc0000 + 64 * i; /* unreadable */
    root_write(img, AT_RSDT, false, entries, 40);
    run_t *r = parse(img);
    assert_int_equal(r->err, KAAL_OK);
    assert_int_equal(r->info.madt.n_cpus, KAAL_ACPI_MAX_CPUS);
    assert_int_equal(r->info.madt.n_ioapics, KAAL_ACPI_MAX_IOAPICS);
    assert_int_equal(r->info.madt.n_overrides, KAAL_ACPI_MAX_OVERRIDES);
    assert_int_equal(r->info.n_mcfg, KAAL_ACPI_MAX_MCFG);
    assert_int_equal(r->info.n_tables, KAAL_ACPI_MAX_TABLES);
    assert_warned(r, "more than 64 CPUs");
    assert_warned(r, "more than 8 IOAPICs");
    assert_warned(r, "more than 16 overrides");
    assert_warned(r, "MCFG: more than 8 segments");
    assert_warned(r, "entries not looked at");
    img_free(img);
}

static void test_table_list_full_drops_the_dsdt_with_warning(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    uint64_t entries[KAAL_ACPI_MAX_TABLES - 1];
    for (unsigned i = 0; i + 1 < KAAL_ACPI_MAX_TABLES - 1; i++)
        entries[i] = 0xc0000 + 64 * i;           /* unreadable */
    entries[KAAL_ACPI_MAX_TABLES - 2] = AT_FADT; /* its DSDT would be table 33 */
    root_write(img, AT_RSDT, false, entries, KAAL_ACPI_MAX_TABLES - 1);
    run_t *r = parse(img);
    assert_true(r->info.fadt.present);
    assert_false(r->info.fadt.s5_valid);
    assert_warned(r, "more than 32 tables");
    img_free(img);
}

static void test_fadt_1_0_uses_the_32_bit_blocks(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    fadt_write(img, AT_FADT, 116, AT_DSDT);
    run_t *r = parse(img);
    assert_true(r->info.fadt.present);
    assert_int_equal(r->info.fadt.pm1a_cnt.address, 0x604);
    assert_int_equal(r->info.fadt.reset_reg.address, 0);
    assert_true(r->info.fadt.s5_valid);

    /* shorter than ACPI 1.0's FADT: malformed, nothing used */
    fadt_write(img, AT_FADT, 100, AT_DSDT);
    r = parse(img);
    assert_false(r->info.fadt.present);
    assert_int_equal(status_of(r, AT_FADT), KAAL_ACPI_TABLE_MALFORMED);

    /* an X_ register left zero keeps the 32-bit value */
    fadt_write(img, AT_FADT, 244, AT_DSDT);
    gas_write(img, AT_FADT + 172, KAAL_ACPI_SPACE_IO, 16, 0);
    sdt_seal(img, AT_FADT, 244);
    r = parse(img);
    assert_int_equal(r->info.fadt.pm1a_cnt.address, 0x604);
    assert_int_equal(r->info.fadt.pm1a_cnt.bit_width, 16);
    img_free(img);
}

static void test_fadt_x_dsdt_wins_over_dsdt(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    fadt_write(img, AT_FADT, 244, AT_DSDT);
    put32(img, AT_FADT + 40, 0x1234); /* stale 32-bit pointer */
    put64(img, AT_FADT + 140, AT_SPARE);
    gas_write(img, AT_FADT + 172, KAAL_ACPI_SPACE_MEMORY, 16, 0xfe000000u);
    sdt_seal(img, AT_FADT, 244);
    dsdt_write(img, AT_SPARE, aml_s5, sizeof(aml_s5));
    run_t *r = parse(img);
    assert_int_equal(r->info.fadt.dsdt_paddr, AT_SPARE);
    assert_true(r->info.fadt.s5_valid);
    assert_int_equal(r->info.fadt.pm1a_cnt.space, KAAL_ACPI_SPACE_MEMORY);
    assert_int_equal(r->info.fadt.pm1a_cnt.address, 0xfe000000u);
    img_free(img);
}

static void test_bad_dsdt_leaves_power_off_unknown(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    sdt_break_checksum(img, AT_DSDT);
    run_t *r = parse(img);
    assert_true(r->info.fadt.present);
    assert_false(r->info.fadt.s5_valid);
    assert_int_equal(status_of(r, AT_DSDT), KAAL_ACPI_TABLE_BAD_CHECKSUM);

    /* a "DSDT" pointer to something else */
    dsdt_write(img, AT_DSDT, aml_s5, sizeof(aml_s5));
    put_bytes(img, AT_DSDT, "SSDT", 4);
    r = parse(img);
    assert_false(r->info.fadt.s5_valid);
    assert_warned(r, "is not a DSDT");
    img_free(img);
}

static bool s5_of(const uint8_t *aml, size_t n, uint8_t *a, uint8_t *b)
{
    img_t *img = acpi_image_qemu();
    dsdt_write(img, AT_DSDT, aml, n);
    run_t *r = parse(img);
    *a = r->info.fadt.s5_slp_typ_a;
    *b = r->info.fadt.s5_slp_typ_b;
    bool ok = r->info.fadt.s5_valid;
    if (!ok)
        assert_warned(r, "no \\_S5 package");
    img_free(img);
    return ok;
}

static void test_s5_package_encodings_are_decoded(void **state)
{
    (void)state;
    uint8_t a, b;
    static const uint8_t rooted[] = {0x08, '\\', '_',  'S',  '5',  '_',
                                     0x12, 0x06, 0x02, 0x01, 0x0a, 0x07};
    assert_true(s5_of(rooted, sizeof(rooted), &a, &b));
    assert_int_equal(a, 1);
    assert_int_equal(b, 7);
    /* a 2-byte PkgLength */
    static const uint8_t long_len[] = {0x08, '_',  'S',  '5',  '_', 0x12,
                                       0x46, 0x00, 0x02, 0x00, 0x00};
    assert_true(s5_of(long_len, sizeof(long_len), &a, &b));
    assert_int_equal(a, 0);
    /* "_S5_" used as a name inside a method, not a Name(): keep looking */
    static const uint8_t decoy[] = {0x70, '_', 'S', '5', '_',  0x12, 0x06, 0x02, 0x00, 0x00, 0x08,
                                    '_',  'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 0x03, 0x0a, 0x04};
    assert_true(s5_of(decoy, sizeof(decoy), &a, &b));
    assert_int_equal(a, 3);
    assert_int_equal(b, 4);
}

static void test_s5_that_cannot_be_decoded_is_reported(void **state)
{
    (void)state;
    uint8_t a, b;
    static const uint8_t not_package[] = {0x08, '_', 'S', '5', '_', 0x0a, 0x05};
    assert_false(s5_of(not_package, sizeof(not_package), &a, &b));
    static const uint8_t method_call[] = {0x08, '_',  'S',  '5',  '_',  0x12,
                                          0x06, 0x02, 0x0b, 0x00, 0x01, 0x00};
    assert_false(s5_of(method_call, sizeof(method_call), &a, &b));
    static const uint8_t cut_byte[] = {0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a};
    assert_false(s5_of(cut_byte, sizeof(cut_byte), &a, &b));
    static const uint8_t cut_second[] = {0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x01};
    assert_false(s5_of(cut_second, sizeof(cut_second), &a, &b));
    static const uint8_t cut_pkg[] = {0x08, '_', 'S', '5', '_', 0x12};
    assert_false(s5_of(cut_pkg, sizeof(cut_pkg), &a, &b));
    static const uint8_t nothing[] = {0x10, 0x00};
    assert_false(s5_of(nothing, sizeof(nothing), &a, &b));
}

static void test_hpet_and_mcfg_problems_are_caught(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    sdt_header(img, AT_HPET, "HPET", 1);
    sdt_seal(img, AT_HPET, 50); /* too short */
    sdt_header(img, AT_MCFG, "MCFG", 1);
    sdt_seal(img, AT_MCFG, 40); /* too short */
    run_t *r = parse(img);
    assert_false(r->info.hpet.present);
    assert_int_equal(status_of(r, AT_HPET), KAAL_ACPI_TABLE_MALFORMED);
    assert_int_equal(status_of(r, AT_MCFG), KAAL_ACPI_TABLE_MALFORMED);

    hpet_write(img, AT_HPET);
    gas_write(img, AT_HPET + 40, KAAL_ACPI_SPACE_IO, 0, 0x1000);
    sdt_seal(img, AT_HPET, 56);
    /* MCFG: one good entry, one with end < start, one unaligned, 3 trailing bytes */
    sdt_header(img, AT_MCFG, "MCFG", 1);
    put64(img, AT_MCFG + 44, 0xb0000000u);
    put8(img, AT_MCFG + 55, 0x3f);
    put64(img, AT_MCFG + 60, 0xc0000000u);
    put8(img, AT_MCFG + 70, 9);
    put8(img, AT_MCFG + 71, 3);
    put64(img, AT_MCFG + 76, 0xc0001000u);
    put8(img, AT_MCFG + 87, 3);
    sdt_seal(img, AT_MCFG, 44 + 48 + 3);
    r = parse(img);
    assert_true(r->info.hpet.present);
    assert_int_equal(status_of(r, AT_HPET), KAAL_ACPI_TABLE_MALFORMED);
    assert_int_equal(r->info.n_mcfg, 1);
    assert_int_equal(r->info.mcfg[0].bus_end, 0x3f);
    assert_warned(r, "whole number of entries");
    assert_warned(r, "bad bus range");
    img_free(img);
}

static void test_root_with_partial_entry_warns(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    uint64_t entries[] = {AT_MADT};
    root_write(img, AT_RSDT, false, entries, 1);
    sdt_seal(img, AT_RSDT, 36 + 4 + 2);
    run_t *r = parse(img);
    assert_true(r->info.madt.present);
    assert_warned(r, "RSDT: length is not a whole number of entries");
    img_free(img);
}

static void test_summary_names_every_table_and_register(void **state)
{
    (void)state;
    img_t *img = acpi_image_qemu();
    /* the QEMU MADT plus an x2APIC CPU */
    uint32_t len = madt_write_qemu(img, AT_MADT);
    put8(img, AT_MADT + len, 9);
    put8(img, AT_MADT + len + 1, 16);
    put32(img, AT_MADT + len + 4, 300);
    put32(img, AT_MADT + len + 8, 1); /* enabled */
    sdt_seal(img, AT_MADT, len + 16);
    run_t *r = parse(img);
    r->info.madt.overrides[1].flags = 0x3 | 0x4; /* low, edge */
    r->info.madt.overrides[0].flags = 0;         /* conforms to the bus */
    r->info.fadt.pm_timer_32bit = false;
    text_t out = {0};
    kaal_acpi_print(&r->info, text_putc, &out);
    static const char *const want[] = {
        "acpi: RSDP 0xf5a30 rev 0 oem \"KAALTS\", RSDT 0xe1000\n",
        "acpi: FACP    0xe2000 len   244 rev 3 ok\n",
        "acpi: MADT lapic 0xfee00000, 3 cpus, 8259 PICs present\n",
        "acpi:   cpu uid 1 apic 1 disabled\n",
        "acpi:   cpu uid 0 x2apic 300\n",
        "acpi:   ioapic 0 at 0xfec00000 gsi base 0\n",
        "acpi:   irq 0 -> gsi 2 (bus, bus)\n",
        "acpi:   irq 9 -> gsi 9 (edge, low)\n",
        "acpi: FADT sci 9 pm1a_evt io 0x600 pm1a_cnt io 0x604 pm_tmr io 0x608 (24-bit)\n",
        "acpi:   reset io 0xcf9 <- 0x6\n",
        "acpi:   poweroff: SLP_TYP 5/0 into PM1a/b_CNT\n",
        "acpi: HPET 0 at 0xfed00000, 3 comparators, 64-bit counter, min tick 128\n",
        "acpi: MCFG segment 0 buses 0-255 ECAM 0xb0000000\n",
        "acpi: 0 warnings\n",
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        if (!strstr(out.buf, want[i]))
            fail_msg("missing line: %sin:\n%s", want[i], out.buf);
    }
    /* memory-space registers, level trigger, 32-bit HPET, and no optional parts */
    r->info.fadt.reset_reg.space = KAAL_ACPI_SPACE_MEMORY;
    r->info.fadt.pm1a_cnt.space = KAAL_ACPI_SPACE_MEMORY;
    r->info.madt.overrides[1].flags = 0x1 | 0xc;
    r->info.hpet.counter_64bit = false;
    r->info.fadt.pm_timer_32bit = true;
    r->info.fadt.reset_supported = false;
    out.len = 0;
    kaal_acpi_print(&r->info, text_putc, &out);
    assert_non_null(strstr(out.buf, "reset mem 0xcf9 <- 0x6 (not advertised)"));
    assert_non_null(strstr(out.buf, "pm1a_cnt mem 0x604"));
    assert_non_null(strstr(out.buf, "(level, high)"));
    assert_non_null(strstr(out.buf, "32-bit counter"));
    assert_non_null(strstr(out.buf, "(32-bit)"));
    kaal_acpi_info_t empty;
    memset(&empty, 0, sizeof(empty));
    empty.fadt.present = true;
    out.len = 0;
    kaal_acpi_print(&empty, text_putc, &out);
    assert_null(strstr(out.buf, "MADT"));
    assert_null(strstr(out.buf, "reset"));
    assert_null(strstr(out.buf, "poweroff"));
    img_free(img);
}

static void test_table_status_names_are_distinct(void **state)
{
    (void)state;
    const char *names[8];
    for (int s = KAAL_ACPI_TABLE_OK; s <= KAAL_ACPI_TABLE_MALFORMED; s++) {
        names[s] = kaal_acpi_table_status_name((kaal_acpi_table_status_t)s);
        for (int k = 0; k < s; k++)
            assert_string_not_equal(names[k], names[s]);
    }
    assert_string_equal(kaal_acpi_table_status_name((kaal_acpi_table_status_t)99), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rsdp_is_found_in_the_bios_area),
        cmocka_unit_test(test_rsdp_is_found_in_the_ebda_first),
        cmocka_unit_test(test_missing_rsdp_is_reported_not_found),
        cmocka_unit_test(test_qemu_tables_are_parsed_completely),
        cmocka_unit_test(test_irq_routing_follows_madt_overrides),
        cmocka_unit_test(test_xsdt_is_preferred_on_revision_2),
        cmocka_unit_test(test_broken_xsdt_falls_back_to_rsdt),
        cmocka_unit_test(test_bad_extended_rsdp_checksum_uses_rsdt),
        cmocka_unit_test(test_invalid_rsdp_or_root_fails_the_parse),
        cmocka_unit_test(test_table_with_bad_checksum_is_skipped_with_warning),
        cmocka_unit_test(test_table_running_past_readable_memory_is_skipped),
        cmocka_unit_test(test_impossible_lengths_are_rejected),
        cmocka_unit_test(test_overlapping_and_duplicate_tables_are_skipped),
        cmocka_unit_test(test_zero_length_madt_entry_stops_the_walk),
        cmocka_unit_test(test_madt_entries_past_the_end_or_too_short_are_not_used),
        cmocka_unit_test(test_x2apic_and_lapic_address_override_are_read),
        cmocka_unit_test(test_absurd_counts_are_capped_with_warnings),
        cmocka_unit_test(test_table_list_full_drops_the_dsdt_with_warning),
        cmocka_unit_test(test_fadt_1_0_uses_the_32_bit_blocks),
        cmocka_unit_test(test_fadt_x_dsdt_wins_over_dsdt),
        cmocka_unit_test(test_bad_dsdt_leaves_power_off_unknown),
        cmocka_unit_test(test_s5_package_encodings_are_decoded),
        cmocka_unit_test(test_s5_that_cannot_be_decoded_is_reported),
        cmocka_unit_test(test_hpet_and_mcfg_problems_are_caught),
        cmocka_unit_test(test_root_with_partial_entry_warns),
        cmocka_unit_test(test_summary_names_every_table_and_register),
        cmocka_unit_test(test_table_status_names_are_distinct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
