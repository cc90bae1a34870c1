// SPDX-License-Identifier: BSD-2-Clause
/*
 * ACPI table parser (see <kaal/acpi.h>). Firmware tables are outside input:
 * every length and address is checked before it is used, with 64-bit
 * arithmetic that cannot wrap, and all memory is read through the caller's
 * reader, so a broken table costs a warning and never an out-of-bounds read.
 *
 * Model: the RSDP names a root table (XSDT, or RSDT for revision 0 or when
 * the XSDT is unusable); each entry names a table that is accepted only if
 * its header and body are readable, its length is sane, its checksum sums
 * to zero and it overlaps no table accepted before it. Accepted tables are
 * parsed into kaal_acpi_info_t (MADT, FADT and the DSDT it names, HPET,
 * MCFG); a parser that finds garbage inside a checksummed table keeps what
 * it read before the garbage and marks the table MALFORMED.
 *
 * Invariant: n_tables <= KAAL_ACPI_MAX_TABLES, and the same for every array
 * of the result; anything that does not fit is dropped with a warning.
 */
#include <kaal/acpi.h>
#include <kaal/string.h>

#define SDT_HEADER_BYTES 36u
#define RSDP_V1_BYTES 20u
#define RSDP_V2_BYTES 36u
#define RSDP_MAX_BYTES 4096u
#define MADT_ENTRIES_OFFSET 44u
#define MCFG_ENTRIES_OFFSET 44u
#define MCFG_ENTRY_BYTES 16u
#define FADT_V1_BYTES 116u
#define HPET_BYTES 56u

typedef struct parser {
    const kaal_phys_reader_t *mem;
    const kaal_acpi_options_t *opts;
    kaal_acpi_info_t *info;
} parser_t;

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)le16(p) | ((uint32_t)le16(p + 2) << 16);
}

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p) | ((uint64_t)le32(p + 4) << 32);
}

static bool read_phys(const kaal_phys_reader_t *mem, uint64_t paddr, void *dst, size_t n)
{
    if (paddr + n < paddr)
        return false;
    return mem->read(mem->ctx, paddr, dst, n);
}

static void warn(parser_t *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(parser_t *p, const char *fmt, ...)
{
    p->info->n_warnings++;
    if (!p->opts || !p->opts->warn)
        return;
    va_list ap;
    va_start(ap, fmt);
    kaal_format(p->opts->warn, p->opts->warn_ctx, "acpi: ");
    kaal_vformat(p->opts->warn, p->opts->warn_ctx, fmt, ap);
    p->opts->warn(p->opts->warn_ctx, '\n');
    va_end(ap);
}

/* Sum of n bytes at paddr; false if any byte is unreadable. */
static bool checksum(const kaal_phys_reader_t *mem, uint64_t paddr, uint32_t n, uint8_t *sum)
{
    uint8_t buf[64];
    uint8_t s = 0;
    for (uint32_t off = 0; off < n;) {
        uint32_t chunk = n - off < sizeof(buf) ? n - off : (uint32_t)sizeof(buf);
        if (!read_phys(mem, paddr + off, buf, chunk))
            return false;
        for (uint32_t i = 0; i < chunk; i++)
            s = (uint8_t)(s + buf[i]);
        off += chunk;
    }
    *sum = s;
    return true;
}

/* Reads n bytes at offset off of table t, only if they lie inside it. */
static bool table_read(parser_t *p, const kaal_acpi_table_t *t, uint32_t off, void *dst, uint32_t n)
{
    if ((uint64_t)off + n > t->length_bytes)
        return false;
    return read_phys(p->mem, t->paddr + off, dst, n);
}

static bool ranges_overlap(uint64_t a, uint64_t a_len, uint64_t b, uint64_t b_len)
{
    return a < b + b_len && b < a + a_len;
}

/* Records the table at paddr and validates it; returns it when accepted
 * (status OK), NULL otherwise. expect: required signature or NULL. */
static kaal_acpi_table_t *take_table(parser_t *p, uint64_t paddr, const char *expect)
{
    kaal_acpi_info_t *info = p->info;
    if (info->n_tables == KAAL_ACPI_MAX_TABLES) {
        warn(p, "more than %d tables, table at %#llx ignored", KAAL_ACPI_MAX_TABLES,
             (unsigned long long)paddr);
        return 0;
    }
    kaal_acpi_table_t *t = &info->tables[info->n_tables++];
    memset(t, 0, sizeof(*t));
    memcpy(t->signature, "????", 4);
    t->paddr = paddr;
    t->status = KAAL_ACPI_TABLE_UNREADABLE;

    uint8_t hdr[SDT_HEADER_BYTES];
    if (paddr == 0 || !read_phys(p->mem, paddr, hdr, sizeof(hdr))) {
        warn(p, "table at %#llx unreadable, skipped", (unsigned long long)paddr);
        return 0;
    }
    memcpy(t->signature, hdr, 4);
    t->revision = hdr[8];
    t->length_bytes = le32(hdr + 4);
    if (expect && memcmp(t->signature, expect, 4) != 0) {
        t->status = KAAL_ACPI_TABLE_MALFORMED;
        warn(p, "table at %#llx is not a %s, skipped", (unsigned long long)paddr, expect);
        return 0;
    }
    if (t->length_bytes < SDT_HEADER_BYTES || t->length_bytes > KAAL_ACPI_MAX_TABLE_BYTES) {
        t->status = KAAL_ACPI_TABLE_BAD_LENGTH;
        warn(p, "%s at %#llx: length %u impossible, skipped", t->signature,
             (unsigned long long)paddr, (unsigned)t->length_bytes);
        return 0;
    }
    uint8_t sum;
    if (!checksum(p->mem, paddr, t->length_bytes, &sum)) {
        warn(p, "%s at %#llx: length %u runs into unreadable memory, skipped", t->signature,
             (unsigned long long)paddr, (unsigned)t->length_bytes);
        return 0;
    }
    if (sum != 0) {
        if (!p->opts || !p->opts->ignore_checksums) {
            t->status = KAAL_ACPI_TABLE_BAD_CHECKSUM;
            warn(p, "%s at %#llx: bad checksum, skipped", t->signature, (unsigned long long)paddr);
            return 0;
        }
        warn(p, "%s at %#llx: bad checksum, used anyway", t->signature, (unsigned long long)paddr);
    }
    for (unsigned i = 0; i + 1 < info->n_tables; i++) {
        const kaal_acpi_table_t *o = &info->tables[i];
        if (o->status != KAAL_ACPI_TABLE_OK)
            continue;
        if (ranges_overlap(paddr, t->length_bytes, o->paddr, o->length_bytes)) {
            t->status = KAAL_ACPI_TABLE_OVERLAPS;
            warn(p, "%s at %#llx overlaps %s at %#llx, skipped", t->signature,
                 (unsigned long long)paddr, o->signature, (unsigned long long)o->paddr);
            return 0;
        }
    }
    t->status = KAAL_ACPI_TABLE_OK;
    return t;
}

static void malformed(parser_t *p, kaal_acpi_table_t *t, const char *why)
{
    t->status = KAAL_ACPI_TABLE_MALFORMED;
    warn(p, "%s at %#llx: %s", t->signature, (unsigned long long)t->paddr, why);
}

/* ---- MADT (ACPI 6.5 §5.2.12) ---- */

static void madt_add_cpu(parser_t *p, uint32_t uid, uint32_t apic_id, uint32_t flags, bool x2apic)
{
    kaal_acpi_info_t *info = p->info;
    if (info->madt.n_cpus == KAAL_ACPI_MAX_CPUS) {
        warn(p, "MADT: more than %d CPUs, apic %u ignored", KAAL_ACPI_MAX_CPUS, (unsigned)apic_id);
        return;
    }
    kaal_acpi_cpu_t *c = &info->madt.cpus[info->madt.n_cpus++];
    c->processor_uid = uid;
    c->apic_id = apic_id;
    c->enabled = flags & 1;
    c->x2apic = x2apic;
}

/* Minimum length of each MADT entry type we read. */
static uint8_t madt_entry_min(uint8_t type)
{
    switch (type) {
    case 0: return 8;  /* processor local APIC */
    case 1: return 12; /* I/O APIC */
    case 2: return 10; /* interrupt source override */
    case 5: return 12; /* local APIC address override */
    case 9: return 16; /* processor local x2APIC */
    default: return 2; /* not interpreted */
    }
}

static void parse_madt(parser_t *p, kaal_acpi_table_t *t)
{
    kaal_acpi_info_t *info = p->info;
    uint8_t fixed[8];
    if (!table_read(p, t, SDT_HEADER_BYTES, fixed, sizeof(fixed))) {
        malformed(p, t, "shorter than its fixed fields");
        return;
    }
    info->madt.present = true;
    info->madt.lapic_paddr = le32(fixed);
    info->madt.pcat_compat = le32(fixed + 4) & 1;

    for (uint32_t off = MADT_ENTRIES_OFFSET; off < t->length_bytes;) {
        uint8_t e[16];
        if (!table_read(p, t, off, e, 2)) {
            malformed(p, t, "entry header cut off at the end");
            return;
        }
        uint8_t type = e[0], len = e[1];
        if (len < 2) {
            malformed(p, t, "zero-length entry, rest ignored");
            return;
        }
        if ((uint64_t)off + len > t->length_bytes) {
            malformed(p, t, "entry runs past the end, rest ignored");
            return;
        }
        if (len < madt_entry_min(type)) {
            malformed(p, t, "entry too short for its type, skipped");
            off += len;
            continue;
        }
        uint32_t n = len < sizeof(e) ? len : (uint32_t)sizeof(e);
        table_read(p, t, off, e, n);
        switch (type) {
        case 0: madt_add_cpu(p, e[2], e[3], le32(e + 4), false); break;
        case 1:
            if (info->madt.n_ioapics == KAAL_ACPI_MAX_IOAPICS) {
                warn(p, "MADT: more than %d IOAPICs, one ignored", KAAL_ACPI_MAX_IOAPICS);
                break;
            }
            info->madt.ioapics[info->madt.n_ioapics++] =
                (kaal_acpi_ioapic_t){.id = e[2], .paddr = le32(e + 4), .gsi_base = le32(e + 8)};
            break;
        case 2:
            if (info->madt.n_overrides == KAAL_ACPI_MAX_OVERRIDES) {
                warn(p, "MADT: more than %d overrides, one ignored", KAAL_ACPI_MAX_OVERRIDES);
                break;
            }
            info->madt.overrides[info->madt.n_overrides++] = (kaal_acpi_override_t){
                .bus = e[2], .source_irq = e[3], .gsi = le32(e + 4), .flags = le16(e + 8)};
            break;
        case 5: info->madt.lapic_paddr = le64(e + 4); break;
        case 9: madt_add_cpu(p, le32(e + 12), le32(e + 4), le32(e + 8), true); break;
        default: break;
        }
        off += len;
    }
}

/* ---- FADT (ACPI 6.5 §5.2.9) and the \_S5 object of the DSDT ---- */

static kaal_acpi_gas_t gas_io(uint32_t port, uint8_t len_bytes)
{
    return (kaal_acpi_gas_t){
        .space = KAAL_ACPI_SPACE_IO, .bit_width = (uint8_t)(len_bytes * 8), .address = port};
}

static kaal_acpi_gas_t gas_decode(const uint8_t *g)
{
    return (kaal_acpi_gas_t){.space = g[0],
                             .bit_width = g[1],
                             .bit_offset = g[2],
                             .access_size = g[3],
                             .address = le64(g + 4)};
}

/* The extended (X_) register at offset x of the FADT, if the table is long
 * enough and it is set; it then replaces the 32-bit one. */
static void fadt_x_reg(const uint8_t *f, uint32_t len, uint32_t x, kaal_acpi_gas_t *reg)
{
    if (len < x + 12)
        return;
    kaal_acpi_gas_t g = gas_decode(f + x);
    if (g.address != 0)
        *reg = g;
}

/* One integer element of a package: ZeroOp, OneOp or BytePrefix n. */
static bool aml_small_int(const uint8_t *b, unsigned *pos, unsigned end, uint8_t *v)
{
    if (*pos >= end)
        return false;
    switch (b[*pos]) {
    case 0x00:
        *v = 0;
        *pos += 1;
        return true;
    case 0x01:
        *v = 1;
        *pos += 1;
        return true;
    case 0x0a:
        if (*pos + 1 >= end)
            return false;
        *v = b[*pos + 1];
        *pos += 2;
        return true;
    default: return false;
    }
}

/* Decodes `Name(_S5, Package(n) {a, b, ...})` from the bytes after "_S5_".
 * This is the one AML object power-off needs; it is found by pattern, not
 * by interpreting the DSDT (the common shortcut when there is no AML VM). */
static bool decode_s5(const uint8_t *b, unsigned n, uint8_t *typ_a, uint8_t *typ_b)
{
    if (n < 2 || b[0] != 0x12) /* PackageOp */
        return false;
    unsigned pos = 1 + 1 + (b[1] >> 6); /* PkgLength: 1..4 bytes */
    pos += 1;                           /* NumElements */
    return aml_small_int(b, &pos, n, typ_a) && aml_small_int(b, &pos, n, typ_b);
}

static void scan_dsdt_s5(parser_t *p, const kaal_acpi_table_t *t)
{
    uint32_t window = 0;
    for (uint32_t off = SDT_HEADER_BYTES; off < t->length_bytes; off++) {
        uint8_t c;
        table_read(p, t, off, &c, 1);
        window = (window << 8) | c;
        if (window != 0x5f53355f) /* "_S5_" */
            continue;
        uint8_t before = 0;
        table_read(p, t, off - 4, &before, 1);
        if (before != 0x08 && before != 0x5c) /* NameOp or root prefix */
            continue;
        uint8_t b[12];
        uint32_t n = t->length_bytes - (off + 1);
        n = n < sizeof(b) ? n : (uint32_t)sizeof(b);
        table_read(p, t, off + 1, b, n);
        if (decode_s5(b, n, &p->info->fadt.s5_slp_typ_a, &p->info->fadt.s5_slp_typ_b)) {
            p->info->fadt.s5_valid = true;
            return;
        }
    }
    warn(p, "DSDT: no \\_S5 package found, power-off unknown");
}

static void parse_fadt(parser_t *p, kaal_acpi_table_t *t)
{
    kaal_acpi_info_t *info = p->info;
    uint8_t f[276];
    memset(f, 0, sizeof(f));
    uint32_t len = t->length_bytes < sizeof(f) ? t->length_bytes : (uint32_t)sizeof(f);
    if (len < FADT_V1_BYTES) {
        malformed(p, t, "shorter than ACPI 1.0's FADT");
        return;
    }
    table_read(p, t, 0, f, len);
    info->fadt.present = true;
    info->fadt.sci_irq = le16(f + 46);
    info->fadt.smi_cmd = le32(f + 48);
    info->fadt.acpi_enable = f[52];
    info->fadt.pm1a_evt = gas_io(le32(f + 56), f[88]);
    info->fadt.pm1b_evt = gas_io(le32(f + 60), f[88]);
    info->fadt.pm1a_cnt = gas_io(le32(f + 64), f[89]);
    info->fadt.pm1b_cnt = gas_io(le32(f + 68), f[89]);
    info->fadt.pm_timer = gas_io(le32(f + 76), f[91]);
    info->fadt.iapc_boot_arch = le16(f + 109);
    info->fadt.flags = le32(f + 112);
    info->fadt.pm_timer_32bit = (info->fadt.flags >> 8) & 1; /* TMR_VAL_EXT */
    info->fadt.dsdt_paddr = le32(f + 40);
    if (len >= 129) {
        info->fadt.reset_reg = gas_decode(f + 116);
        info->fadt.reset_value = f[128];
        info->fadt.reset_supported = (info->fadt.flags >> 10) & 1;
    }
    if (len >= 148 && le64(f + 140) != 0)
        info->fadt.dsdt_paddr = le64(f + 140);
    fadt_x_reg(f, len, 148, &info->fadt.pm1a_evt);
    fadt_x_reg(f, len, 160, &info->fadt.pm1b_evt);
    fadt_x_reg(f, len, 172, &info->fadt.pm1a_cnt);
    fadt_x_reg(f, len, 184, &info->fadt.pm1b_cnt);
    fadt_x_reg(f, len, 208, &info->fadt.pm_timer);

    kaal_acpi_table_t *dsdt = take_table(p, info->fadt.dsdt_paddr, "DSDT");
    if (dsdt)
        scan_dsdt_s5(p, dsdt);
}

/* ---- HPET (IA-PC HPET 1.0a §3.2.4) ---- */

static void parse_hpet(parser_t *p, kaal_acpi_table_t *t)
{
    uint8_t h[HPET_BYTES];
    if (!table_read(p, t, 0, h, sizeof(h))) {
        malformed(p, t, "shorter than 56 bytes");
        return;
    }
    uint32_t id = le32(h + 36);
    kaal_acpi_info_t *info = p->info;
    info->hpet.present = true;
    info->hpet.n_comparators = (uint8_t)(((id >> 8) & 0x1f) + 1);
    info->hpet.counter_64bit = (id >> 13) & 1;
    info->hpet.vendor_id = (uint16_t)(id >> 16);
    info->hpet.base = le64(h + 44);
    info->hpet.hpet_number = h[52];
    info->hpet.min_tick = le16(h + 53);
    if (h[40] != KAAL_ACPI_SPACE_MEMORY)
        malformed(p, t, "register block not in memory space");
}

/* ---- MCFG (PCI Firmware 3.2 §4.1.2) ---- */

static void parse_mcfg(parser_t *p, kaal_acpi_table_t *t)
{
    kaal_acpi_info_t *info = p->info;
    if (t->length_bytes < MCFG_ENTRIES_OFFSET) {
        malformed(p, t, "shorter than its fixed fields");
        return;
    }
    uint32_t body = t->length_bytes - MCFG_ENTRIES_OFFSET;
    if (body % MCFG_ENTRY_BYTES != 0)
        malformed(p, t, "length is not a whole number of entries");
    for (uint32_t i = 0; i < body / MCFG_ENTRY_BYTES; i++) {
        if (info->n_mcfg == KAAL_ACPI_MAX_MCFG) {
            warn(p, "MCFG: more than %d segments, rest ignored", KAAL_ACPI_MAX_MCFG);
            return;
        }
        uint8_t e[MCFG_ENTRY_BYTES];
        table_read(p, t, MCFG_ENTRIES_OFFSET + i * MCFG_ENTRY_BYTES, e, sizeof(e));
        kaal_acpi_mcfg_t m = {
            .base = le64(e), .segment = le16(e + 8), .bus_start = e[10], .bus_end = e[11]};
        if (m.bus_end < m.bus_start || (m.base & 0xfffff) != 0) {
            malformed(p, t, "entry with bad bus range or unaligned base skipped");
            continue;
        }
        info->mcfg[info->n_mcfg++] = m;
    }
}

/* ---- Root: RSDP, RSDT/XSDT ---- */

static bool sig_is(const kaal_acpi_table_t *t, const char *sig)
{
    return memcmp(t->signature, sig, 4) == 0;
}

static void parse_entry(parser_t *p, uint64_t paddr)
{
    kaal_acpi_table_t *t = take_table(p, paddr, 0);
    if (!t)
        return;
    static const char *const once[] = {"APIC", "FACP", "HPET", "MCFG"};
    for (unsigned k = 0; k < sizeof(once) / sizeof(once[0]); k++) {
        if (!sig_is(t, once[k]))
            continue;
        for (unsigned i = 0; i + 1 < p->info->n_tables; i++) {
            if (p->info->tables[i].status == KAAL_ACPI_TABLE_OK &&
                sig_is(&p->info->tables[i], once[k])) {
                t->status = KAAL_ACPI_TABLE_DUPLICATE;
                warn(p, "second %s at %#llx, skipped", t->signature, (unsigned long long)paddr);
                return;
            }
        }
    }
    if (sig_is(t, "APIC"))
        parse_madt(p, t);
    else if (sig_is(t, "FACP"))
        parse_fadt(p, t);
    else if (sig_is(t, "HPET"))
        parse_hpet(p, t);
    else if (sig_is(t, "MCFG"))
        parse_mcfg(p, t);
}

/* Walks the RSDT (entry_bytes 4) or XSDT (8); false if it is unusable. */
static bool parse_root(parser_t *p, uint64_t paddr, bool xsdt)
{
    kaal_acpi_table_t *root = take_table(p, paddr, xsdt ? "XSDT" : "RSDT");
    if (!root)
        return false;
    p->info->uses_xsdt = xsdt;
    p->info->root_paddr = paddr;
    uint32_t entry_bytes = xsdt ? 8 : 4;
    uint32_t n = (root->length_bytes - SDT_HEADER_BYTES) / entry_bytes;
    if ((root->length_bytes - SDT_HEADER_BYTES) % entry_bytes != 0)
        warn(p, "%s: length is not a whole number of entries", root->signature);
    for (uint32_t i = 0; i < n; i++) {
        if (p->info->n_tables == KAAL_ACPI_MAX_TABLES) {
            warn(p, "%s: %u entries not looked at (table list full)", root->signature,
                 (unsigned)(n - i));
            break;
        }
        uint8_t e[8] = {0};
        table_read(p, root, SDT_HEADER_BYTES + i * entry_bytes, e, entry_bytes);
        parse_entry(p, le64(e));
    }
    return true;
}

static bool rsdp_v1_ok(const uint8_t *r)
{
    if (memcmp(r, "RSD PTR ", 8) != 0)
        return false;
    uint8_t s = 0;
    for (unsigned i = 0; i < RSDP_V1_BYTES; i++)
        s = (uint8_t)(s + r[i]);
    return s == 0;
}

kaal_error_t kaal_acpi_parse(const kaal_phys_reader_t *mem, uint64_t rsdp_paddr,
                             const kaal_acpi_options_t *opts, kaal_acpi_info_t *info)
{
    parser_t p = {.mem = mem, .opts = opts, .info = info};
    memset(info, 0, sizeof(*info));
    info->rsdp_paddr = rsdp_paddr;

    uint8_t r[RSDP_V2_BYTES];
    if (!read_phys(mem, rsdp_paddr, r, RSDP_V1_BYTES) || !rsdp_v1_ok(r)) {
        warn(&p, "no valid RSDP at %#llx", (unsigned long long)rsdp_paddr);
        return KAAL_EFORMAT;
    }
    info->rsdp_revision = r[15];
    memcpy(info->oem_id, r + 9, 6);
    uint64_t rsdt = le32(r + 16);

    if (info->rsdp_revision >= 2) {
        uint8_t sum = 1;
        uint32_t len = 0;
        if (read_phys(mem, rsdp_paddr, r, RSDP_V2_BYTES)) {
            len = le32(r + 20);
            if (len >= RSDP_V2_BYTES && len <= RSDP_MAX_BYTES)
                checksum(mem, rsdp_paddr, len, &sum);
        }
        if (sum != 0)
            warn(&p, "RSDP extended part unreadable or bad checksum, using the RSDT");
        else if (le64(r + 24) != 0 && parse_root(&p, le64(r + 24), true))
            return KAAL_OK;
        else
            warn(&p, "XSDT unusable, falling back to the RSDT");
    }
    return parse_root(&p, rsdt, false) ? KAAL_OK : KAAL_EFORMAT;
}

kaal_acpi_rsdp_ret_t kaal_acpi_find_rsdp(const kaal_phys_reader_t *mem)
{
    uint64_t areas[2][2] = {{0, 0}, {KAAL_ACPI_BIOS_AREA_START, KAAL_ACPI_BIOS_AREA_END}};
    uint8_t seg[2];
    if (read_phys(mem, KAAL_ACPI_BDA_EBDA_SEGMENT, seg, sizeof(seg)) && le16(seg) != 0) {
        areas[0][0] = (uint64_t)le16(seg) << 4;
        areas[0][1] = areas[0][0] + KAAL_ACPI_EBDA_SCAN_BYTES;
    }
    for (unsigned a = 0; a < 2; a++) {
        for (uint64_t pa = areas[a][0]; pa < areas[a][1]; pa += 16) {
            uint8_t r[RSDP_V1_BYTES];
            if (read_phys(mem, pa, r, sizeof(r)) && rsdp_v1_ok(r))
                return (kaal_acpi_rsdp_ret_t){.err = KAAL_OK, .paddr = pa};
        }
    }
    return (kaal_acpi_rsdp_ret_t){.err = KAAL_ENOENT, .paddr = 0};
}

const kaal_acpi_table_t *kaal_acpi_table(const kaal_acpi_info_t *info, const char *signature)
{
    for (unsigned i = 0; i < info->n_tables; i++) {
        const kaal_acpi_table_t *t = &info->tables[i];
        if (t->status == KAAL_ACPI_TABLE_OK && sig_is(t, signature))
            return t;
    }
    return 0;
}

void kaal_acpi_irq_routing(const kaal_acpi_info_t *info, kaal_irq_routing_t *routing)
{
    routing->n_overrides = 0;
    for (unsigned i = 0; i < info->madt.n_overrides; i++) {
        const kaal_acpi_override_t *o = &info->madt.overrides[i];
        if (o->bus != 0 || routing->n_overrides == KAAL_IRQ_MAX_OVERRIDES)
            continue;
        uint32_t flags = 0;
        if ((o->flags & KAAL_ACPI_POLARITY_MASK) == KAAL_ACPI_POLARITY_LOW)
            flags |= KAAL_RES_ACTIVE_LOW;
        if ((o->flags & KAAL_ACPI_TRIGGER_MASK) == KAAL_ACPI_TRIGGER_LEVEL)
            flags |= KAAL_RES_LEVEL;
        routing->overrides[routing->n_overrides++] =
            (kaal_irq_override_t){.isa_irq = o->source_irq, .gsi = o->gsi, .flags = flags};
    }
}

const char *kaal_acpi_table_status_name(kaal_acpi_table_status_t status)
{
    switch (status) {
    case KAAL_ACPI_TABLE_OK: return "ok";
    case KAAL_ACPI_TABLE_UNREADABLE: return "unreadable";
    case KAAL_ACPI_TABLE_BAD_LENGTH: return "bad length";
    case KAAL_ACPI_TABLE_BAD_CHECKSUM: return "bad checksum";
    case KAAL_ACPI_TABLE_OVERLAPS: return "overlaps another table";
    case KAAL_ACPI_TABLE_DUPLICATE: return "duplicate";
    case KAAL_ACPI_TABLE_MALFORMED: return "malformed";
    }
    return "?";
}

/* ---- Summary printer ---- */

static void print_reg(kaal_putc_fn out, void *ctx, const char *name, const kaal_acpi_gas_t *g)
{
    if (g->address == 0)
        return;
    kaal_format(out, ctx, " %s %s %#llx", name, g->space == KAAL_ACPI_SPACE_IO ? "io" : "mem",
                (unsigned long long)g->address);
}

static const char *polarity_name(uint16_t flags)
{
    switch (flags & KAAL_ACPI_POLARITY_MASK) {
    case KAAL_ACPI_POLARITY_HIGH: return "high";
    case KAAL_ACPI_POLARITY_LOW: return "low";
    default: return "bus";
    }
}

static const char *trigger_name(uint16_t flags)
{
    switch (flags & KAAL_ACPI_TRIGGER_MASK) {
    case KAAL_ACPI_TRIGGER_EDGE: return "edge";
    case KAAL_ACPI_TRIGGER_LEVEL: return "level";
    default: return "bus";
    }
}

void kaal_acpi_print(const kaal_acpi_info_t *info, kaal_putc_fn out, void *ctx)
{
    kaal_format(out, ctx, "acpi: RSDP %#llx rev %u oem \"%s\", %s %#llx\n",
                (unsigned long long)info->rsdp_paddr, info->rsdp_revision, info->oem_id,
                info->uses_xsdt ? "XSDT" : "RSDT", (unsigned long long)info->root_paddr);
    for (unsigned i = 0; i < info->n_tables; i++) {
        const kaal_acpi_table_t *t = &info->tables[i];
        kaal_format(out, ctx, "acpi: %s %#10llx len %5u rev %u %s\n", t->signature,
                    (unsigned long long)t->paddr, (unsigned)t->length_bytes, t->revision,
                    kaal_acpi_table_status_name(t->status));
    }
    if (info->madt.present) {
        kaal_format(out, ctx, "acpi: MADT lapic %#llx, %u cpus%s\n",
                    (unsigned long long)info->madt.lapic_paddr, info->madt.n_cpus,
                    info->madt.pcat_compat ? ", 8259 PICs present" : "");
        for (unsigned i = 0; i < info->madt.n_cpus; i++) {
            const kaal_acpi_cpu_t *c = &info->madt.cpus[i];
            kaal_format(out, ctx, "acpi:   cpu uid %u %sapic %u%s\n", (unsigned)c->processor_uid,
                        c->x2apic ? "x2" : "", (unsigned)c->apic_id, c->enabled ? "" : " disabled");
        }
        for (unsigned i = 0; i < info->madt.n_ioapics; i++) {
            const kaal_acpi_ioapic_t *io = &info->madt.ioapics[i];
            kaal_format(out, ctx, "acpi:   ioapic %u at %#x gsi base %u\n", io->id,
                        (unsigned)io->paddr, (unsigned)io->gsi_base);
        }
        for (unsigned i = 0; i < info->madt.n_overrides; i++) {
            const kaal_acpi_override_t *o = &info->madt.overrides[i];
            kaal_format(out, ctx, "acpi:   irq %u -> gsi %u (%s, %s)\n", o->source_irq,
                        (unsigned)o->gsi, trigger_name(o->flags), polarity_name(o->flags));
        }
    }
    if (info->fadt.present) {
        kaal_format(out, ctx, "acpi: FADT sci %u", info->fadt.sci_irq);
        print_reg(out, ctx, "pm1a_evt", &info->fadt.pm1a_evt);
        print_reg(out, ctx, "pm1b_evt", &info->fadt.pm1b_evt);
        print_reg(out, ctx, "pm1a_cnt", &info->fadt.pm1a_cnt);
        print_reg(out, ctx, "pm1b_cnt", &info->fadt.pm1b_cnt);
        print_reg(out, ctx, "pm_tmr", &info->fadt.pm_timer);
        kaal_format(out, ctx, "%s\n", info->fadt.pm_timer_32bit ? " (32-bit)" : " (24-bit)");
        if (info->fadt.reset_reg.address)
            kaal_format(out, ctx, "acpi:   reset %s %#llx <- %#x%s\n",
                        info->fadt.reset_reg.space == KAAL_ACPI_SPACE_IO ? "io" : "mem",
                        (unsigned long long)info->fadt.reset_reg.address, info->fadt.reset_value,
                        info->fadt.reset_supported ? "" : " (not advertised)");
        if (info->fadt.s5_valid)
            kaal_format(out, ctx, "acpi:   poweroff: SLP_TYP %u/%u into PM1a/b_CNT\n",
                        info->fadt.s5_slp_typ_a, info->fadt.s5_slp_typ_b);
    }
    if (info->hpet.present)
        kaal_format(out, ctx, "acpi: HPET %u at %#llx, %u comparators, %s counter, min tick %u\n",
                    info->hpet.hpet_number, (unsigned long long)info->hpet.base,
                    info->hpet.n_comparators, info->hpet.counter_64bit ? "64-bit" : "32-bit",
                    info->hpet.min_tick);
    for (unsigned i = 0; i < info->n_mcfg; i++)
        kaal_format(out, ctx, "acpi: MCFG segment %u buses %u-%u ECAM %#llx\n",
                    info->mcfg[i].segment, info->mcfg[i].bus_start, info->mcfg[i].bus_end,
                    (unsigned long long)info->mcfg[i].base);
    kaal_format(out, ctx, "acpi: %u warnings\n", info->n_warnings);
}
