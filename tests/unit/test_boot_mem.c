// SPDX-License-Identifier: BSD-2-Clause
/*
 * Boot memory (kernel/boot/boot_mem.c): which RAM the kernel hands out, how
 * it allocates, and the untyped list the root task receives. The central
 * property: the untypeds cover exactly the free RAM plus all non-RAM below
 * the physical top, with naturally aligned blocks that never overlap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/boot.h>

#define MiB (1ull << 20)
#define GiB (1ull << 30)

static struct boot_params bp;
static struct boot_mem bm;

static void region(uint64_t base, uint64_t size, uint32_t type)
{
    bp.regions[bp.n_regions++] = (struct boot_mem_region){ base, size, type };
}

static void qemu_pc_512m(void)
{
    memset(&bp, 0, sizeof(bp));
    region(0, 0x9fc00, BOOT_MEM_RAM);
    region(0x9fc00, 0x400, BOOT_MEM_RESERVED);
    region(0xf0000, 0x10000, BOOT_MEM_RESERVED);
    region(0x100000, 512 * MiB - 0x100000, BOOT_MEM_RAM);
    region(0xfd00000000ull, 0x300000000ull, BOOT_MEM_RESERVED);
    boot_mem_init(&bm, &bp, MiB, 4 * GiB);
}

static void test_ram_starts_at_low_limit_and_is_page_granular(void **state)
{
    (void)state;
    memset(&bp, 0, sizeof(bp));
    region(0x1234, 0x10000000, BOOT_MEM_RAM);
    boot_mem_init(&bm, &bp, MiB, 4 * GiB);
    assert_int_equal(bm.n_ram, 1);
    assert_int_equal(bm.ram[0].base, MiB);
    assert_int_equal(bm.ram[0].end, (0x1234 + 0x10000000) & ~0xfffull);
}

static void test_reserved_regions_punch_holes_in_overlapping_ram(void **state)
{
    (void)state;
    memset(&bp, 0, sizeof(bp));
    region(0, 64 * MiB, BOOT_MEM_RAM);
    region(8 * MiB, 0x800, BOOT_MEM_ACPI); /* sub-page: the whole page goes */
    region(32 * MiB, 4 * MiB, BOOT_MEM_RESERVED);
    boot_mem_init(&bm, &bp, MiB, 4 * GiB);
    assert_int_equal(bm.n_ram, 3);
    assert_int_equal(bm.ram[0].end, 8 * MiB);
    assert_int_equal(bm.ram[1].base, 8 * MiB + 4096);
    assert_int_equal(bm.ram[1].end, 32 * MiB);
    assert_int_equal(bm.ram[2].base, 36 * MiB);
}

static void test_duplicate_and_unsorted_ram_regions_merge(void **state)
{
    (void)state;
    memset(&bp, 0, sizeof(bp));
    region(16 * MiB, 16 * MiB, BOOT_MEM_RAM);
    region(2 * MiB, 16 * MiB, BOOT_MEM_RAM);
    region(20 * MiB, 1 * MiB, BOOT_MEM_RAM);
    boot_mem_init(&bm, &bp, MiB, 4 * GiB);
    assert_int_equal(bm.n_ram, 1);
    assert_int_equal(bm.ram[0].base, 2 * MiB);
    assert_int_equal(bm.ram[0].end, 32 * MiB);
}

static void test_ram_above_the_kernel_window_is_counted_as_ignored(void **state)
{
    (void)state;
    memset(&bp, 0, sizeof(bp));
    region(MiB, 6 * GiB, BOOT_MEM_RAM);
    boot_mem_init(&bm, &bp, MiB, 4 * GiB);
    assert_int_equal(bm.ram[0].end, 4 * GiB);
    assert_int_equal(bm.ignored_bytes, 2 * GiB + MiB);
}

static void test_alloc_returns_aligned_blocks_from_the_top(void **state)
{
    (void)state;
    qemu_pc_512m();
    uint64_t a = boot_mem_alloc(&bm, 12);
    uint64_t b = boot_mem_alloc(&bm, 17);
    assert_int_equal(a, 512 * MiB - 4096);
    assert_int_equal(b % (1 << 17), 0);
    assert_true(b + (1 << 17) <= a);
    /* Only the blocks themselves leave the free set; alignment gaps stay. */
    assert_int_equal(boot_mem_free_bytes(&bm), 511 * MiB - 4096 - (1 << 17));
}

static void test_alloc_fails_cleanly_when_nothing_fits(void **state)
{
    (void)state;
    qemu_pc_512m();
    assert_int_equal(boot_mem_alloc(&bm, 30), 0); /* 1 GiB in 511 MiB */
    assert_int_equal(boot_mem_free_bytes(&bm), 511 * MiB);
}

static void test_reserve_and_release_round_trip(void **state)
{
    (void)state;
    qemu_pc_512m();
    boot_mem_reserve(&bm, 0x100000, 0x180000);
    boot_mem_reserve(&bm, 0x200123, 0x200456); /* rounds out to the page */
    assert_int_equal(boot_mem_free_bytes(&bm), 511 * MiB - 0x80000 - 0x1000);
    boot_mem_release(&bm, 0x100000, 0x180000);
    boot_mem_release(&bm, 0x200000, 0x201000);
    assert_int_equal(boot_mem_free_bytes(&bm), 511 * MiB);
    assert_int_equal(bm.n_free, 1);
    /* Releasing what is not RAM changes nothing. */
    boot_mem_release(&bm, 0, 0x100000);
    assert_int_equal(boot_mem_free_bytes(&bm), 511 * MiB);
}

static int by_paddr(const void *a, const void *b)
{
    const seL4_UntypedDesc *x = a, *y = b;
    return x->paddr < y->paddr ? -1 : x->paddr > y->paddr;
}

static void test_untypeds_cover_free_ram_and_all_device_space_exactly(void **state)
{
    (void)state;
    qemu_pc_512m();
    boot_mem_reserve(&bm, MiB, 3 * MiB + 0x5000);  /* kernel image */
    boot_mem_alloc(&bm, 17);
    boot_mem_alloc(&bm, 12);
    static seL4_UntypedDesc ut[CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS];
    unsigned dropped;
    uint64_t top = 1ull << 40;
    unsigned n = boot_mem_untypeds(&bm, top, ut, CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS, &dropped);
    assert_int_equal(dropped, 0);
    assert_true(n > 0);

    uint64_t ram_bytes = 0;
    for (unsigned i = 0; i < n; i++) {
        uint64_t size = 1ull << ut[i].sizeBits;
        assert_true(ut[i].sizeBits >= 4 && ut[i].sizeBits <= 47);
        assert_int_equal(ut[i].paddr & (size - 1), 0); /* naturally aligned */
        if (!ut[i].isDevice)
            ram_bytes += size;
        /* Device blocks never touch RAM; RAM blocks are free RAM. */
        for (unsigned r = 0; r < bm.n_ram; r++) {
            int overlaps = ut[i].paddr < bm.ram[r].end && ut[i].paddr + size > bm.ram[r].base;
            if (ut[i].isDevice)
                assert_false(overlaps);
        }
    }
    assert_int_equal(ram_bytes, boot_mem_free_bytes(&bm));

    /* Sorted, the blocks tile [0, top) minus the RAM that is not free. */
    qsort(ut, n, sizeof(ut[0]), by_paddr);
    uint64_t covered = 0;
    for (unsigned i = 0; i < n; i++) {
        if (i > 0)
            assert_true(ut[i - 1].paddr + (1ull << ut[i - 1].sizeBits) <= ut[i].paddr);
        covered += 1ull << ut[i].sizeBits;
    }
    uint64_t used_ram = 0;
    for (unsigned r = 0; r < bm.n_ram; r++)
        used_ram += bm.ram[r].end - bm.ram[r].base;
    used_ram -= boot_mem_free_bytes(&bm);
    assert_int_equal(covered, top - used_ram);
}

static void test_kernel_device_pages_are_not_device_untyped(void **state)
{
    (void)state;
    qemu_pc_512m();
    boot_mem_reserve_device(&bm, 0xfee00000, 0xfee01000);
    boot_mem_reserve_device(&bm, 0xfec00000, 0xfec00010); /* rounds to the page */
    static seL4_UntypedDesc ut[CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS];
    unsigned dropped;
    unsigned n = boot_mem_untypeds(&bm, 1ull << 40, ut, CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS,
                                   &dropped);
    uint64_t device_bytes = 0;
    for (unsigned i = 0; i < n; i++) {
        uint64_t size = 1ull << ut[i].sizeBits;
        if (!ut[i].isDevice)
            continue;
        device_bytes += size;
        assert_false(ut[i].paddr <= 0xfee00000 && 0xfee00000 < ut[i].paddr + size);
        assert_false(ut[i].paddr <= 0xfec00000 && 0xfec00000 < ut[i].paddr + size);
    }
    /* Everything else that is not RAM still is device untyped. */
    assert_int_equal(device_bytes, (1ull << 40) - 511 * MiB - 2 * 4096);
}

static void test_untyped_overflow_is_reported(void **state)
{
    (void)state;
    qemu_pc_512m();
    seL4_UntypedDesc ut[4];
    unsigned dropped;
    unsigned n = boot_mem_untypeds(&bm, 1ull << 40, ut, 4, &dropped);
    assert_int_equal(n, 4);
    assert_true(dropped > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ram_starts_at_low_limit_and_is_page_granular),
        cmocka_unit_test(test_reserved_regions_punch_holes_in_overlapping_ram),
        cmocka_unit_test(test_duplicate_and_unsorted_ram_regions_merge),
        cmocka_unit_test(test_ram_above_the_kernel_window_is_counted_as_ignored),
        cmocka_unit_test(test_alloc_returns_aligned_blocks_from_the_top),
        cmocka_unit_test(test_alloc_fails_cleanly_when_nothing_fits),
        cmocka_unit_test(test_reserve_and_release_round_trip),
        cmocka_unit_test(test_untypeds_cover_free_ram_and_all_device_space_exactly),
        cmocka_unit_test(test_kernel_device_pages_are_not_device_untyped),
        cmocka_unit_test(test_untyped_overflow_is_reported),
    };
    return cmocka_run_group_tests_name("boot_mem", tests, NULL, NULL);
}
