// SPDX-License-Identifier: BSD-2-Clause
/*
 * TLS block layout (runtime/thread/tls.c, <kaal/tls.h>): the PT_TLS entry
 * becomes the image; a block is .tdata then zeroed .tbss ending at a tp
 * aligned to max(p_align, 16), with the self pointer at tp, wherever the
 * caller's region starts, and nothing outside the region is written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <kaal/tls.h>

#define POISON 0xa5

static const uint8_t tdata[5] = { 1, 2, 3, 4, 5 };

static kaal_tls_image_t image(size_t memsz, size_t align)
{
    return (kaal_tls_image_t){ tdata, sizeof(tdata), memsz, align };
}

static void test_program_without_pt_tls_has_an_empty_image(void **state)
{
    (void)state;
    kaal_elf64_phdr_t ph[2] = { { .p_type = KAAL_PT_LOAD, .p_memsz = 4096, .p_align = 4096 } };
    kaal_tls_image_ret_t r = kaal_tls_image_from_phdrs(ph, 2);
    assert_int_equal(r.err, KAAL_OK);
    assert_int_equal(r.image.mem_bytes, 0);
    assert_int_equal(r.image.init_bytes, 0);
    kaal_tls_image_t empty = r.image;
    uint8_t region[256];
    uintptr_t tp = kaal_tls_init(&empty, region, kaal_tls_region_bytes(&empty));
    assert_true(tp != 0 && tp % KAAL_TLS_MIN_ALIGN == 0);
    assert_int_equal(*(uintptr_t *)tp, tp);
}

static void test_pt_tls_entry_becomes_the_image(void **state)
{
    (void)state;
    kaal_elf64_phdr_t ph[3] = {
        { .p_type = KAAL_PT_LOAD, .p_memsz = 4096 },
        { .p_type = KAAL_PT_TLS, .p_vaddr = 0x416000, .p_filesz = 24, .p_memsz = 40,
          .p_align = 8 },
        { .p_type = KAAL_PT_LOAD, .p_memsz = 4096 },
    };
    kaal_tls_image_ret_t r = kaal_tls_image_from_phdrs(ph, 3);
    assert_int_equal(r.err, KAAL_OK);
    assert_ptr_equal(r.image.init_image, (const void *)0x416000);
    assert_int_equal(r.image.init_bytes, 24);
    assert_int_equal(r.image.mem_bytes, 40);
    assert_int_equal(r.image.align_bytes, 8);
    ph[1].p_align = 0;
    assert_int_equal(kaal_tls_image_from_phdrs(ph, 3).image.align_bytes, 1);
}

static void test_malformed_pt_tls_is_a_format_error(void **state)
{
    (void)state;
    kaal_elf64_phdr_t ph = { .p_type = KAAL_PT_TLS, .p_filesz = 41, .p_memsz = 40, .p_align = 8 };
    assert_int_equal(kaal_tls_image_from_phdrs(&ph, 1).err, KAAL_EFORMAT);
    ph.p_filesz = 8;
    ph.p_align = 24;
    assert_int_equal(kaal_tls_image_from_phdrs(&ph, 1).err, KAAL_EFORMAT);
}

/* The linker's offsets: a variable at segment offset o is at tp - block + o,
 * block = round_up(memsz, p_align). */
static void test_block_is_tdata_then_zeroed_tbss_ending_at_an_aligned_tp(void **state)
{
    (void)state;
    kaal_tls_image_t im = image(20, 32);
    uint8_t region[512];
    memset(region, POISON, sizeof(region));
    size_t bytes = kaal_tls_region_bytes(&im);
    assert_int_equal(bytes, 31 + 32 + KAAL_TLS_TCB_BYTES);
    uintptr_t tp = kaal_tls_init(&im, region + 3, bytes);
    assert_true(tp != 0);
    assert_int_equal(tp % 32, 0);
    uint8_t *block = (uint8_t *)tp - 32;
    assert_true(block >= region + 3);
    assert_memory_equal(block, tdata, sizeof(tdata));
    for (size_t i = sizeof(tdata); i < 32; i++)
        assert_int_equal(block[i], 0);
    assert_int_equal(*(uintptr_t *)tp, tp);
    for (size_t i = sizeof(uintptr_t); i < KAAL_TLS_TCB_BYTES; i++)
        assert_int_equal(((uint8_t *)tp)[i], 0);
    for (uint8_t *p = region; p < block; p++)
        assert_int_equal(*p, POISON);
    for (uint8_t *p = (uint8_t *)tp + KAAL_TLS_TCB_BYTES; p < region + sizeof(region); p++)
        assert_int_equal(*p, POISON);
}

static void test_small_alignments_still_give_a_16_byte_aligned_tp(void **state)
{
    (void)state;
    kaal_tls_image_t im = image(13, 4);
    uint8_t region[256];
    uintptr_t tp = kaal_tls_init(&im, region + 1, kaal_tls_region_bytes(&im));
    assert_true(tp != 0);
    assert_int_equal(tp % 16, 0);
    assert_memory_equal((uint8_t *)tp - 16, tdata, sizeof(tdata)); /* round_up(13, 4) */
}

static void test_region_bytes_fit_at_every_start_offset(void **state)
{
    (void)state;
    kaal_tls_image_t im = image(100, 64);
    size_t bytes = kaal_tls_region_bytes(&im);
    static uint8_t buf[1024] __attribute__((aligned(64)));
    for (size_t off = 0; off < 64; off++) {
        uintptr_t tp = kaal_tls_init(&im, buf + off, bytes);
        assert_true(tp != 0);
        assert_true(tp - 128 >= (uintptr_t)buf + off);
        assert_true(tp + KAAL_TLS_TCB_BYTES <= (uintptr_t)buf + off + bytes);
    }
}

static void test_region_too_small_is_refused_without_writing(void **state)
{
    (void)state;
    kaal_tls_image_t im = image(100, 64);
    static uint8_t buf[1024] __attribute__((aligned(64)));
    memset(buf, POISON, sizeof(buf));
    /* Starting 1 byte past a 64-byte boundary needs all 63 bytes of slack. */
    size_t bytes = kaal_tls_region_bytes(&im);
    assert_int_equal(kaal_tls_init(&im, buf + 1, bytes - 1), 0);
    assert_int_equal(kaal_tls_init(&im, buf, KAAL_TLS_TCB_BYTES), 0);
    for (size_t i = 0; i < sizeof(buf); i++)
        assert_int_equal(buf[i], POISON);
    assert_true(kaal_tls_init(&im, buf + 1, bytes) != 0);
}

static void test_region_size_that_overflows_is_zero(void **state)
{
    (void)state;
    kaal_tls_image_t im = image(SIZE_MAX - 10, 64);
    assert_int_equal(kaal_tls_region_bytes(&im), 0);
    uint8_t region[64];
    assert_int_equal(kaal_tls_init(&im, region, sizeof(region)), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_program_without_pt_tls_has_an_empty_image),
        cmocka_unit_test(test_pt_tls_entry_becomes_the_image),
        cmocka_unit_test(test_malformed_pt_tls_is_a_format_error),
        cmocka_unit_test(test_block_is_tdata_then_zeroed_tbss_ending_at_an_aligned_tp),
        cmocka_unit_test(test_small_alignments_still_give_a_16_byte_aligned_tp),
        cmocka_unit_test(test_region_bytes_fit_at_every_start_offset),
        cmocka_unit_test(test_region_too_small_is_refused_without_writing),
        cmocka_unit_test(test_region_size_that_overflows_is_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
