// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target for the broker's ACPI parser (runtime/acpi/acpi.c).
 * Input: one flags byte, then an image placed at physical 0xE0000 (the BIOS
 * area). Nothing outside the image is readable. The parser runs from an RSDP
 * at 0xE0000 (and, with flag bit 1, from wherever the BIOS-area scan finds
 * one), then the summary printer and the IRQ routing/ISA table run on the
 * result. Flag bit 0 accepts bad checksums so mutations reach the table
 * parsers. Seeds: tests/fuzz/corpus/acpi/ (runtime/acpi/gen_acpi_seeds.py).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kaal/acpi.h>
#include <kaal/devices.h>

#define BASE 0xe0000u

typedef struct image {
    const uint8_t *bytes;
    size_t size;
} image_t;

static bool image_read(void *ctx, uint64_t paddr, void *dst, size_t n)
{
    const image_t *img = ctx;
    if (paddr < BASE || paddr - BASE > img->size || n > img->size - (paddr - BASE))
        return false;
    memcpy(dst, img->bytes + (paddr - BASE), n);
    return true;
}

static void sink(void *ctx, char c)
{
    (void)ctx;
    (void)c;
}

static void check(const kaal_acpi_info_t *info)
{
    if (info->n_tables > KAAL_ACPI_MAX_TABLES || info->madt.n_cpus > KAAL_ACPI_MAX_CPUS ||
        info->madt.n_ioapics > KAAL_ACPI_MAX_IOAPICS ||
        info->madt.n_overrides > KAAL_ACPI_MAX_OVERRIDES || info->n_mcfg > KAAL_ACPI_MAX_MCFG)
        abort();
    for (unsigned i = 0; i < info->n_mcfg; i++) {
        if (info->mcfg[i].bus_end < info->mcfg[i].bus_start)
            abort();
    }
    kaal_acpi_print(info, sink, NULL);
    kaal_irq_routing_t routing;
    kaal_acpi_irq_routing(info, &routing);
    if (routing.n_overrides > KAAL_IRQ_MAX_OVERRIDES)
        abort();
    kaal_device_t devices[8];
    kaal_device_list_t list;
    kaal_devices_init(&list, devices, 8);
    kaal_isa_add_devices(&list, &routing);
    kaal_devices_print(&list, sink, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    image_t img = {.bytes = data + 1, .size = size - 1};
    kaal_phys_reader_t mem = {.read = image_read, .ctx = &img};
    kaal_acpi_options_t opts = {.warn = sink, .ignore_checksums = data[0] & 1};
    static kaal_acpi_info_t info;
    kaal_acpi_parse(&mem, BASE, &opts, &info);
    check(&info);
    if (data[0] & 2) {
        kaal_acpi_rsdp_ret_t r = kaal_acpi_find_rsdp(&mem);
        if (r.err == KAAL_OK) {
            kaal_acpi_parse(&mem, r.paddr, &opts, &info);
            check(&info);
        }
    }
    return 0;
}
