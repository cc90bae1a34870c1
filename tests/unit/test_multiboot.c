// SPDX-License-Identifier: BSD-2-Clause
/*
 * The multiboot information parser (kernel/arch/x86_64/multiboot.c) against
 * a fake physical memory: good loader data, then each kind of malformed or
 * hostile data the parser must refuse or contain.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <arch/multiboot.h>

#define PHYS_BYTES 0x8000
#define MBI_AT  0x1000
#define MMAP_AT 0x2000
#define MODS_AT 0x3000
#define STR_AT  0x4000

static uint8_t phys[PHYS_BYTES];

static const void *fake_reader(void *ctx, uint64_t paddr, uint64_t len)
{
    (void)ctx;
    if (paddr >= PHYS_BYTES || len > PHYS_BYTES - paddr)
        return NULL;
    return phys + paddr;
}

struct mbi {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

struct mmap_entry {
    uint32_t size;
    uint64_t addr, len;
    uint32_t type;
} __attribute__((packed));

struct module {
    uint32_t start, end, cmdline, reserved;
} __attribute__((packed));

static struct mbi *mbi(void)
{
    return (struct mbi *)(phys + MBI_AT);
}

static struct mmap_entry *mmap_entries(void)
{
    return (struct mmap_entry *)(phys + MMAP_AT);
}

static void put_mmap(unsigned i, uint64_t addr, uint64_t len, uint32_t type)
{
    mmap_entries()[i] = (struct mmap_entry){ 20, addr, len, type };
    mbi()->mmap_length = (i + 1) * sizeof(struct mmap_entry);
}

/* A loader's view of a 512 MiB QEMU pc machine with two modules. */
static void make_valid(void)
{
    memset(phys, 0, sizeof(phys));
    mbi()->flags = (1 << 0) | (1 << 2) | (1 << 3) | (1 << 6);
    mbi()->mmap_addr = MMAP_AT;
    put_mmap(0, 0, 0x9fc00, 1);
    put_mmap(1, 0xf0000, 0x10000, 2);
    put_mmap(2, 0x100000, 0x1ff00000, 1);
    mbi()->cmdline = STR_AT;
    strcpy((char *)phys + STR_AT, "kaal.test=x");
    mbi()->mods_count = 2;
    mbi()->mods_addr = MODS_AT;
    struct module *mods = (struct module *)(phys + MODS_AT);
    mods[0] = (struct module){ 0x200000, 0x210000, STR_AT + 0x100, 0 };
    mods[1] = (struct module){ 0x210000, 0x210000, 0, 0 }; /* empty, no name */
    strcpy((char *)phys + STR_AT + 0x100, "init.elf");
}

static const char *parse(struct boot_params *bp)
{
    return multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI_AT, fake_reader, NULL, bp);
}

static void test_valid_information_is_copied(void **state)
{
    (void)state;
    static struct boot_params bp;
    make_valid();
    assert_null(parse(&bp));
    assert_int_equal(bp.n_regions, 3);
    assert_int_equal(bp.regions[2].base, 0x100000);
    assert_int_equal(bp.regions[2].size_bytes, 0x1ff00000);
    assert_int_equal(bp.regions[2].type, BOOT_MEM_RAM);
    assert_int_equal(bp.regions[1].type, BOOT_MEM_RESERVED);
    assert_string_equal(bp.cmdline, "kaal.test=x");
    assert_int_equal(bp.n_modules, 2);
    assert_int_equal(bp.modules[0].paddr, 0x200000);
    assert_int_equal(bp.modules[0].size_bytes, 0x10000);
    assert_string_equal(bp.modules[0].cmdline, "init.elf");
    assert_int_equal(bp.modules[1].size_bytes, 0);
    assert_string_equal(bp.modules[1].cmdline, "");
}

static void test_wrong_magic_is_refused(void **state)
{
    (void)state;
    static struct boot_params bp;
    make_valid();
    assert_non_null(multiboot_parse(0x36d76289 /* multiboot2 */, MBI_AT, fake_reader, NULL, &bp));
}

static void test_unreadable_information_is_refused(void **state)
{
    (void)state;
    static struct boot_params bp;
    make_valid();
    assert_non_null(multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, PHYS_BYTES - 4, fake_reader,
                                    NULL, &bp));
}

static void test_entry_size_smaller_than_an_entry_is_refused(void **state)
{
    (void)state;
    static struct boot_params bp;
    make_valid();
    mmap_entries()[1].size = 8;
    assert_string_equal(parse(&bp), "memory map entry has a bad size");
}

static void test_entry_size_past_the_map_is_refused(void **state)
{
    (void)state;
    static struct boot_params bp;
    make_valid();
    mmap_entries()[2].size = 0x1000;
    assert_string_equal(parse(&bp), "memory map entry has a bad size");
}

static void test_partial_trailing_entry_is_refused(void **state)
{
    (void)state;
    static struct boot_params bp;
    make_valid();
    mbi()->mmap_length += 10;
    assert_string_equal(parse(&bp), "memory map truncated");
}

static void test_map_outside_physical_memory_is_refused(void **state)
{
    (void)state;
    static struct boot_params bp;
    make_valid();
    mbi()->mmap_addr = PHYS_BYTES - 8;
    assert_string_equal(parse(&bp), "memory map truncated");
}

static void test_larger_entries_are_stepped_over_by_their_size(void **state)
{
    (void)state;
    static struct boot_params bp;
    make_valid();
    /* Entries of 28 bytes (size field 24): loaders may append fields. */
    uint8_t *p = phys + MMAP_AT;
    memset(p, 0, 0x100);
    for (unsigned i = 0; i < 2; i++) {
        struct mmap_entry e = { 24, 0x100000ull * (i + 1), 0x1000, 1 };
        memcpy(p + i * 28, &e, sizeof(e));
    }
    mbi()->mmap_length = 56;
    assert_null(parse(&bp));
    assert_int_equal(bp.n_regions, 2);
    assert_int_equal(bp.regions[1].base, 0x200000);
}

static void test_without_map_the_basic_sizes_are_used(void **state)
{
    (void)state;
    static struct boot_params bp;
    make_valid();
    mbi()->flags = 1 << 0;
    mbi()->mem_lower = 639;
    mbi()->mem_upper = 130048;
    assert_null(parse(&bp));
    assert_int_equal(bp.n_regions, 2);
    assert_int_equal(bp.regions[1].base, 0x100000);
    assert_int_equal(bp.regions[1].size_bytes, 130048ull * 1024);
}

static void test_no_memory_information_is_refused(void **state)
{
    (void)state;
    static struct boot_params bp;
    make_valid();
    mbi()->flags = 0;
    assert_non_null(parse(&bp));
}

static void test_unknown_types_become_reserved_and_wrapping_regions_are_clipped(void **state)
{
    (void)state;
    static struct boot_params bp;
    make_valid();
    put_mmap(3, 0xfffffffffffff000ull, 0x10000, 1);
    put_mmap(4, 0x40000000, 0x1000, 99);
    assert_null(parse(&bp));
    assert_int_equal(bp.regions[3].base + bp.regions[3].size_bytes, UINT64_MAX);
    assert_int_equal(bp.regions[4].type, BOOT_MEM_RESERVED);
}

static void test_too_many_regions_are_counted_not_overflowed(void **state)
{
    (void)state;
    static struct boot_params bp;
    make_valid();
    for (unsigned i = 0; i < BOOT_MAX_REGIONS + 5; i++)
        put_mmap(i, 0x100000ull * i, 0x1000, 1);
    assert_null(parse(&bp));
    assert_int_equal(bp.n_regions, BOOT_MAX_REGIONS);
    assert_int_equal(bp.n_regions_dropped, 5);
}

static void test_module_ending_before_its_start_is_refused(void **state)
{
    (void)state;
    static struct boot_params bp;
    make_valid();
    ((struct module *)(phys + MODS_AT))[1].end = 0x100;
    assert_string_equal(parse(&bp), "module ends before it starts");
}

static void test_too_many_modules_are_refused(void **state)
{
    (void)state;
    static struct boot_params bp;
    make_valid();
    mbi()->mods_count = BOOT_MAX_MODULES + 1;
    assert_string_equal(parse(&bp), "too many boot modules");
}

static void test_module_list_outside_memory_is_refused(void **state)
{
    (void)state;
    static struct boot_params bp;
    make_valid();
    mbi()->mods_addr = PHYS_BYTES - 16;
    assert_string_equal(parse(&bp), "module list not readable");
}

static void test_unterminated_strings_are_cut_at_the_buffer_size(void **state)
{
    (void)state;
    static struct boot_params bp;
    make_valid();
    memset(phys + STR_AT, 'a', 0x100); /* runs into the module name */
    assert_null(parse(&bp));
    assert_int_equal(strlen(bp.cmdline), BOOT_CMDLINE_MAX - 1);
    /* A string running off the end of memory stops there. */
    make_valid();
    mbi()->cmdline = PHYS_BYTES - 3;
    memset(phys + PHYS_BYTES - 3, 'b', 3);
    assert_null(parse(&bp));
    assert_string_equal(bp.cmdline, "bbb");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_information_is_copied),
        cmocka_unit_test(test_wrong_magic_is_refused),
        cmocka_unit_test(test_unreadable_information_is_refused),
        cmocka_unit_test(test_entry_size_smaller_than_an_entry_is_refused),
        cmocka_unit_test(test_entry_size_past_the_map_is_refused),
        cmocka_unit_test(test_partial_trailing_entry_is_refused),
        cmocka_unit_test(test_map_outside_physical_memory_is_refused),
        cmocka_unit_test(test_larger_entries_are_stepped_over_by_their_size),
        cmocka_unit_test(test_without_map_the_basic_sizes_are_used),
        cmocka_unit_test(test_no_memory_information_is_refused),
        cmocka_unit_test(test_unknown_types_become_reserved_and_wrapping_regions_are_clipped),
        cmocka_unit_test(test_too_many_regions_are_counted_not_overflowed),
        cmocka_unit_test(test_module_ending_before_its_start_is_refused),
        cmocka_unit_test(test_too_many_modules_are_refused),
        cmocka_unit_test(test_module_list_outside_memory_is_refused),
        cmocka_unit_test(test_unterminated_strings_are_cut_at_the_buffer_size),
    };
    return cmocka_run_group_tests_name("multiboot", tests, NULL, NULL);
}
