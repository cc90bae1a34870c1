// SPDX-License-Identifier: BSD-2-Clause
/* The shared printf formatter (runtime/printf/format.c), checked against the
 * host's snprintf for every conversion it supports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kaal/format.h>

/* Formats with both implementations and compares text and return value. */
#define CHECK_LIKE_LIBC(...)                                                         \
    do {                                                                             \
        char ours[256], libc[256];                                                   \
        int n_ours = kaal_snprintf(ours, sizeof(ours), __VA_ARGS__);                 \
        int n_libc = snprintf(libc, sizeof(libc), __VA_ARGS__);                      \
        assert_string_equal(ours, libc);                                             \
        assert_int_equal(n_ours, n_libc);                                            \
    } while (0)

static void test_integers_match_libc(void **state)
{
    (void)state;
    CHECK_LIKE_LIBC("%d %d %d", 0, -1, 42);
    CHECK_LIKE_LIBC("%d %d", INT32_MIN, INT32_MAX);
    CHECK_LIKE_LIBC("%ld %lld", (long)INT64_MIN, (long long)INT64_MAX);
    CHECK_LIKE_LIBC("%u %lu %llu", 3000000000u, (unsigned long)UINT64_MAX, 0ull);
    CHECK_LIKE_LIBC("%i %hd %hhd %hhu", -7, (short)-32768, (signed char)-128, (unsigned char)255);
    CHECK_LIKE_LIBC("%zu %td", (size_t)12345, (ptrdiff_t)-6);
}

static void test_hex_and_octal_match_libc(void **state)
{
    (void)state;
    CHECK_LIKE_LIBC("%x %X %x", 0xdeadbeefu, 0xabcu, 0u);
    CHECK_LIKE_LIBC("%#x %#X %#x %#o %o", 255u, 255u, 0u, 8u, 0u);
    CHECK_LIKE_LIBC("%lx %016lx", (unsigned long)UINT64_MAX, 0x1234ul);
}

static void test_widths_and_flags_match_libc(void **state)
{
    (void)state;
    CHECK_LIKE_LIBC("[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, 42, 42, 42);
    CHECK_LIKE_LIBC("[%05d] [%-5d] [%+05d]", -42, -42, 42);
    CHECK_LIKE_LIBC("[%.3d] [%8.3d] [%-8.3d] [%.0d]", 7, 7, -7, 0);
    CHECK_LIKE_LIBC("[%*d] [%-*d] [%.*d]", 6, 1, 6, 1, 4, 1);
    CHECK_LIKE_LIBC("[%*d]", -6, 1);
    CHECK_LIKE_LIBC("[%8x] [%-8x] [%08x]", 0xbeefu, 0xbeefu, 0xbeefu);
}

static void test_strings_and_chars_match_libc(void **state)
{
    (void)state;
    CHECK_LIKE_LIBC("[%s] [%10s] [%-10s] [%.2s] [%*.*s]", "abc", "abc", "abc", "abc", 5, 1, "xyz");
    CHECK_LIKE_LIBC("[%c] [%3c] [%-3c]", 'a', 'b', 'c');
    CHECK_LIKE_LIBC("100%% done");
}

static void test_precision_bounds_reads_of_unterminated_strings(void **state)
{
    (void)state;
    char *raw = malloc(3); /* exactly three bytes, no NUL: ASan catches a fourth read */
    memcpy(raw, "abc", 3);
    char buf[16];
    kaal_snprintf(buf, sizeof(buf), "[%.3s] [%.*s]", raw, 2, raw);
    assert_string_equal(buf, "[abc] [ab]");
    free(raw);
}

static void test_pointer_is_hex_with_prefix(void **state)
{
    (void)state;
    char buf[64];
    kaal_snprintf(buf, sizeof(buf), "%p", (void *)0x400000);
    assert_string_equal(buf, "0x400000");
    kaal_snprintf(buf, sizeof(buf), "[%18p]", (void *)0xffffffff80000000ul);
    assert_string_equal(buf, "[0xffffffff80000000]");
}

/* The next tests feed deliberately malformed formats. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-extra-args"

static void test_null_string_prints_placeholder(void **state)
{
    (void)state;
    char buf[32];
    kaal_snprintf(buf, sizeof(buf), "%s", (const char *)NULL);
    assert_string_equal(buf, "(null)");
}

static void test_snprintf_truncates_and_reports_full_length(void **state)
{
    (void)state;
    char buf[8];
    memset(buf, 'Z', sizeof(buf));
    int n = kaal_snprintf(buf, 5, "hello world");
    assert_int_equal(n, 11);
    assert_string_equal(buf, "hell");
    assert_int_equal(buf[5], 'Z'); /* nothing written past size */
    n = kaal_snprintf(buf, 0, "abc");
    assert_int_equal(n, 3);
    assert_int_equal(buf[0], 'h');
}

static void test_unknown_conversion_is_printed_literally(void **state)
{
    (void)state;
    char buf[32];
    kaal_snprintf(buf, sizeof(buf), "a%qb %d", 5);
    assert_string_equal(buf, "a%qb 5");
    kaal_snprintf(buf, sizeof(buf), "end%");
    assert_string_equal(buf, "end%");
    kaal_snprintf(buf, sizeof(buf), "end%5");
    assert_string_equal(buf, "end%5");
}

static void test_huge_width_is_clamped_not_overflowed(void **state)
{
    (void)state;
    char buf[16];
    int n = kaal_snprintf(buf, sizeof(buf), "%99999999999d", 1);
    assert_true(n > 0);
    assert_int_equal(strlen(buf), sizeof(buf) - 1);
}

struct counter {
    int calls;
};

static void count_sink(void *ctx, char c)
{
    (void)c;
    ((struct counter *)ctx)->calls++;
}

static void test_callback_sees_every_character(void **state)
{
    (void)state;
    struct counter ctr = { 0 };
    int n = kaal_format(count_sink, &ctr, "%s=%05d", "x", 3);
    assert_int_equal(n, 7);
    assert_int_equal(ctr.calls, 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integers_match_libc),
        cmocka_unit_test(test_hex_and_octal_match_libc),
        cmocka_unit_test(test_widths_and_flags_match_libc),
        cmocka_unit_test(test_strings_and_chars_match_libc),
        cmocka_unit_test(test_precision_bounds_reads_of_unterminated_strings),
        cmocka_unit_test(test_pointer_is_hex_with_prefix),
        cmocka_unit_test(test_null_string_prints_placeholder),
        cmocka_unit_test(test_snprintf_truncates_and_reports_full_length),
        cmocka_unit_test(test_unknown_conversion_is_printed_literally),
        cmocka_unit_test(test_huge_width_is_clamped_not_overflowed),
        cmocka_unit_test(test_callback_sees_every_character),
    };
    return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
