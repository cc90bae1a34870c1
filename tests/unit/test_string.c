// SPDX-License-Identifier: BSD-2-Clause
/* The freestanding memory functions (runtime/string/string.c and
 * runtime/arch/x86_64/string.c) that every
 * component and the kernel link: memcpy, memset and memmove checked byte
 * for byte against a plain loop over sizes around the 64-byte block of the
 * bulk loop, every source and destination alignment in a word, overlaps in
 * both directions, with guard bytes around the destination. The file is
 * compiled here under other names so it does not replace the host's libc. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define memcpy kaal_test_memcpy
#define memmove kaal_test_memmove
#define memset kaal_test_memset
#define memcmp kaal_test_memcmp
#define strlen kaal_test_strlen
#define strnlen kaal_test_strnlen
#define strcmp kaal_test_strcmp
#define strncmp kaal_test_strncmp
#define strchr kaal_test_strchr
#include "../../runtime/string/string.c"
#include "../../runtime/arch/x86_64/string.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr

#define AREA_BYTES (70u * 1024u)
#define GUARD 0x5a

static uint8_t src_area[AREA_BYTES], dst_area[AREA_BYTES], want[AREA_BYTES];

static const size_t sizes[] = {0,   1,   7,   8,   9,   63,  64,   65,   127,  128,
                               129, 191, 200, 255, 256, 300, 4095, 4096, 4097, 65536 + 13};

static void fill_source(void)
{
    for (size_t i = 0; i < AREA_BYTES; i++)
        src_area[i] = (uint8_t)(i * 7 + (i >> 8) + 1);
}

static void test_memcpy_copies_every_size_and_alignment(void **state)
{
    (void)state;
    fill_source();
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        for (size_t so = 0; so < 8; so++) {
            for (size_t doff = 0; doff < 8; doff++) {
                size_t n = sizes[s];
                for (size_t i = 0; i < n + 2 * 16 + 8; i++)
                    dst_area[i] = want[i] = GUARD;
                for (size_t i = 0; i < n; i++)
                    want[16 + doff + i] = src_area[so + i];
                void *r = kaal_test_memcpy(dst_area + 16 + doff, src_area + so, n);
                assert_ptr_equal(r, dst_area + 16 + doff);
                assert_memory_equal(dst_area, want, n + 2 * 16 + 8);
            }
        }
    }
}

static void test_memset_fills_every_size_and_alignment_with_the_low_byte(void **state)
{
    (void)state;
    static const int values[] = {0, 0xab, 0x1ff, -1};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        for (size_t doff = 0; doff < 8; doff++) {
            for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
                size_t n = sizes[s];
                for (size_t i = 0; i < n + 2 * 16 + 8; i++)
                    dst_area[i] = want[i] = GUARD;
                for (size_t i = 0; i < n; i++)
                    want[16 + doff + i] = (uint8_t)values[v];
                void *r = kaal_test_memset(dst_area + 16 + doff, values[v], n);
                assert_ptr_equal(r, dst_area + 16 + doff);
                assert_memory_equal(dst_area, want, n + 2 * 16 + 8);
            }
        }
    }
}

static void test_memmove_handles_overlap_in_both_directions(void **state)
{
    (void)state;
    static const size_t shifts[] = {1, 3, 8, 31, 64, 100};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        if (n + 256 > AREA_BYTES)
            continue;
        for (size_t k = 0; k < sizeof shifts / sizeof shifts[0]; k++) {
            size_t d = shifts[k];
            for (int up = 0; up < 2; up++) {
                fill_source();
                memcpy(dst_area, src_area, n + 128);
                size_t from = up ? 0 : d, to = up ? d : 0;
                memcpy(want, dst_area, n + 128);
                for (size_t i = 0; i < n; i++)
                    want[to + i] = src_area[from + i];
                kaal_test_memmove(dst_area + to, dst_area + from, n);
                assert_memory_equal(dst_area, want, n + 128);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memcpy_copies_every_size_and_alignment),
        cmocka_unit_test(test_memset_fills_every_size_and_alignment_with_the_low_byte),
        cmocka_unit_test(test_memmove_handles_overlap_in_both_directions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
