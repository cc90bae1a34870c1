/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ACPI table parser (runtime/acpi/acpi.c), for init's device discovery.
 *
 * The parser never touches memory itself: every byte of physical memory it
 * looks at comes through a kaal_phys_reader_t, so the same code runs on the
 * host against a test image and in init against device frames. It allocates
 * nothing; the result is one fixed-size kaal_acpi_info_t. A table with a bad
 * checksum, a length that does not fit, or a body that cannot be read is
 * skipped with a warning; malformed input never stops the parse of the other
 * tables and never makes it read outside what the reader offers.
 *
 * References: ACPI 6.5 §5.2 (RSDP, RSDT/XSDT, FADT, MADT), IA-PC HPET 1.0a,
 * PCI Firmware 3.2 §4.1.2 (MCFG).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/devices.h>
#include <kaal/pci.h>
#include <kaal/error.h>
#include <kaal/format.h>

/* Reads size_bytes of physical memory at paddr into dst. Returns false if
 * any byte of the range is not readable (nothing is then assumed of dst). */
typedef struct kaal_phys_reader {
    bool (*read)(void *ctx, uint64_t paddr, void *dst, size_t size_bytes);
    void *ctx;
} kaal_phys_reader_t;

#define KAAL_ACPI_MAX_TABLES 32
#define KAAL_ACPI_MAX_CPUS 64
#define KAAL_ACPI_MAX_IOAPICS 8
#define KAAL_ACPI_MAX_OVERRIDES 16
#define KAAL_ACPI_MAX_MCFG 8
/* Tables longer than this are treated as corrupt (QEMU's largest is ~8 KiB). */
#define KAAL_ACPI_MAX_TABLE_BYTES (1u << 20)

/* Where firmware puts the RSDP on a PC (ACPI 6.5 §5.2.5.1). */
#define KAAL_ACPI_BDA_EBDA_SEGMENT 0x40e
#define KAAL_ACPI_EBDA_SCAN_BYTES 1024
#define KAAL_ACPI_BIOS_AREA_START 0xe0000
#define KAAL_ACPI_BIOS_AREA_END 0x100000

/* Why a table listed by the RSDT/XSDT was (not) used. */
typedef enum {
    KAAL_ACPI_TABLE_OK = 0,
    KAAL_ACPI_TABLE_UNREADABLE, /* header or body outside readable memory */
    KAAL_ACPI_TABLE_BAD_LENGTH, /* shorter than its header or absurdly long */
    KAAL_ACPI_TABLE_BAD_CHECKSUM,
    KAAL_ACPI_TABLE_OVERLAPS,  /* shares bytes with a table already taken */
    KAAL_ACPI_TABLE_DUPLICATE, /* second table with a signature we use once */
    KAAL_ACPI_TABLE_MALFORMED, /* checksum fine, contents do not parse */
} kaal_acpi_table_status_t;

typedef struct kaal_acpi_table {
    char signature[5];
    uint8_t revision;
    uint64_t paddr;
    uint32_t length_bytes;
    kaal_acpi_table_status_t status;
} kaal_acpi_table_t;

/* Generic Address Structure, ACPI 6.5 §5.2.3.2. space 0 = memory, 1 = IO. */
#define KAAL_ACPI_SPACE_MEMORY 0
#define KAAL_ACPI_SPACE_IO 1
typedef struct kaal_acpi_gas {
    uint8_t space;
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t access_size;
    uint64_t address; /* 0: not present */
} kaal_acpi_gas_t;

typedef struct kaal_acpi_cpu {
    uint32_t processor_uid;
    uint32_t apic_id;
    bool enabled;
    bool x2apic;
} kaal_acpi_cpu_t;

typedef struct kaal_acpi_ioapic {
    uint8_t id;
    uint32_t paddr;
    uint32_t gsi_base;
} kaal_acpi_ioapic_t;

/* MPS INTI flags (ACPI 6.5 Table 5.50): polarity bits 1:0, trigger 3:2. */
#define KAAL_ACPI_POLARITY_MASK 0x3
#define KAAL_ACPI_POLARITY_HIGH 0x1
#define KAAL_ACPI_POLARITY_LOW 0x3
#define KAAL_ACPI_TRIGGER_MASK 0xc
#define KAAL_ACPI_TRIGGER_EDGE 0x4
#define KAAL_ACPI_TRIGGER_LEVEL 0xc

typedef struct kaal_acpi_override {
    uint8_t bus;        /* 0 = ISA */
    uint8_t source_irq; /* ISA IRQ */
    uint32_t gsi;
    uint16_t flags; /* KAAL_ACPI_POLARITY_* | KAAL_ACPI_TRIGGER_* */
} kaal_acpi_override_t;

/* One MCFG entry is an ECAM region of the device model (<kaal/pci.h>). */
typedef kaal_pci_ecam_region_t kaal_acpi_mcfg_t;

typedef struct kaal_acpi_info {
    uint64_t rsdp_paddr;
    uint8_t rsdp_revision;
    char oem_id[7];
    bool uses_xsdt;
    uint64_t root_paddr; /* the RSDT or XSDT used */

    unsigned n_tables; /* entries of tables[] filled */
    kaal_acpi_table_t tables[KAAL_ACPI_MAX_TABLES];
    unsigned n_warnings; /* every problem the parser worked around */

    struct {
        bool present;
        uint64_t lapic_paddr;
        bool pcat_compat; /* dual 8259 PICs present (must be masked) */
        unsigned n_cpus;
        kaal_acpi_cpu_t cpus[KAAL_ACPI_MAX_CPUS];
        unsigned n_ioapics;
        kaal_acpi_ioapic_t ioapics[KAAL_ACPI_MAX_IOAPICS];
        unsigned n_overrides;
        kaal_acpi_override_t overrides[KAAL_ACPI_MAX_OVERRIDES];
    } madt;

    struct {
        bool present;
        uint16_t sci_irq;
        uint32_t smi_cmd;
        uint8_t acpi_enable;
        kaal_acpi_gas_t pm1a_evt, pm1b_evt;
        kaal_acpi_gas_t pm1a_cnt, pm1b_cnt;
        kaal_acpi_gas_t pm_timer;
        bool pm_timer_32bit;
        kaal_acpi_gas_t reset_reg;
        uint8_t reset_value;
        bool reset_supported; /* FADT flag RESET_REG_SUP: reset_reg may be used */
        uint16_t iapc_boot_arch;
        uint32_t flags;
        uint64_t dsdt_paddr;
        /* \_S5 sleep type from the DSDT, found by a bounded byte scan (no AML
         * interpreter): power off = write (slp_typ << 10) | (1 << 13) to PM1x_CNT. */
        bool s5_valid;
        uint8_t s5_slp_typ_a, s5_slp_typ_b;
    } fadt;

    struct {
        bool present;
        uint64_t base; /* MMIO address of the register block */
        uint8_t hpet_number;
        uint8_t n_comparators;
        bool counter_64bit;
        uint16_t min_tick;
        uint16_t vendor_id;
    } hpet;

    unsigned n_mcfg;
    kaal_acpi_mcfg_t mcfg[KAAL_ACPI_MAX_MCFG];
} kaal_acpi_info_t;

typedef struct kaal_acpi_options {
    /* Warnings ("acpi: MADT: bad checksum, skipped\n") go here; may be NULL. */
    kaal_putc_fn warn;
    void *warn_ctx;
    /* Accept tables whose checksum is wrong (still warns). Some firmware ships
     * them; fuzzing uses it to reach the table parsers. */
    bool ignore_checksums;
} kaal_acpi_options_t;

typedef struct kaal_acpi_rsdp_ret {
    kaal_error_t err; /* KAAL_ENOENT: no valid RSDP in the BIOS areas */
    uint64_t paddr;
} kaal_acpi_rsdp_ret_t;

/* Scans the first KiB of the EBDA, then 0xE0000-0xFFFFF, on 16-byte
 * boundaries for an RSDP whose checksum holds. */
kaal_acpi_rsdp_ret_t kaal_acpi_find_rsdp(const kaal_phys_reader_t *mem);

/* Parses everything reachable from the RSDP at rsdp_paddr into info.
 * Returns KAAL_EFORMAT if the RSDP or the root table is unusable (info then
 * holds what was learnt so far), KAAL_OK otherwise, even if tables were
 * skipped (see info->n_warnings and info->tables[].status). opts may be NULL. */
kaal_error_t kaal_acpi_parse(const kaal_phys_reader_t *mem, uint64_t rsdp_paddr,
                             const kaal_acpi_options_t *opts, kaal_acpi_info_t *info);

/* A table entry by signature ("APIC", "FACP", ...) that parsed, or NULL. */
const kaal_acpi_table_t *kaal_acpi_table(const kaal_acpi_info_t *info, const char *signature);

/* Human-readable summary (RSDP, tables, CPUs, IOAPICs, overrides, FADT
 * registers, HPET, MCFG), one fact per line. */
void kaal_acpi_print(const kaal_acpi_info_t *info, kaal_putc_fn out, void *ctx);

/* The MADT's ISA interrupt source overrides as a device-model routing table
 * (bus 0 overrides only; "conforms to bus" polarity/trigger = ISA default). */
void kaal_acpi_irq_routing(const kaal_acpi_info_t *info, kaal_irq_routing_t *routing);

const char *kaal_acpi_table_status_name(kaal_acpi_table_status_t status);
