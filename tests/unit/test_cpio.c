// SPDX-License-Identifier: BSD-2-Clause
/*
 * runtime/cpio: the newc reader returns every entry of a well-formed
 * archive with its metadata and data, and refuses each kind of damage with
 * the status that names it (the table of bad inputs below), never reading
 * outside the archive (ASan would say so).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <kaal/cpio.h>

/* An archive under construction. */
typedef struct {
    uint8_t bytes[8192];
    size_t len;
} archive_t;

static void put_header(archive_t *a, const char *magic, uint32_t mode, uint32_t mtime,
                       uint32_t filesize, uint32_t namesize)
{
    char h[KAAL_CPIO_HEADER_BYTES + 1];
    snprintf(h, sizeof(h), "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", magic, 7u,
             mode, 1000u, 100u, 1u, mtime, filesize, 0u, 0u, 0u, 0u, namesize, 0u);
    memcpy(a->bytes + a->len, h, KAAL_CPIO_HEADER_BYTES);
    a->len += KAAL_CPIO_HEADER_BYTES;
}

static void pad(archive_t *a)
{
    while (a->len % 4)
        a->bytes[a->len++] = 0;
}

static void add(archive_t *a, const char *name, uint32_t mode, const char *data)
{
    size_t n = strlen(name) + 1, d = strlen(data);
    put_header(a, "070701", mode, 1700000000u, (uint32_t)d, (uint32_t)n);
    memcpy(a->bytes + a->len, name, n);
    a->len += n;
    pad(a);
    memcpy(a->bytes + a->len, data, d);
    a->len += d;
    pad(a);
}

static void trailer(archive_t *a)
{
    add(a, "TRAILER!!!", 0, "");
}

static void sample(archive_t *a)
{
    a->len = 0;
    add(a, ".", 040755, "");
    add(a, "./etc", 040755, "");
    add(a, "etc/motd", 0100644, "hello\n");
    add(a, "/bin/sh", 0120777, "/init");
    trailer(a);
}

static void test_well_formed_archive_yields_every_entry_then_end(void **state)
{
    (void)state;
    archive_t a;
    sample(&a);
    kaal_cpio_t c;
    kaal_cpio_entry_t e;
    kaal_cpio_init(&c, a.bytes, a.len);

    assert_int_equal(kaal_cpio_next(&c, &e), KAAL_CPIO_OK);
    assert_string_equal(e.name, ".");
    assert_int_equal(e.mode, 040755);

    assert_int_equal(kaal_cpio_next(&c, &e), KAAL_CPIO_OK);
    assert_string_equal(e.name, "etc"); /* "./" dropped */

    assert_int_equal(kaal_cpio_next(&c, &e), KAAL_CPIO_OK);
    assert_string_equal(e.name, "etc/motd");
    assert_int_equal(e.name_bytes, 8);
    assert_int_equal(e.mode, 0100644);
    assert_int_equal(e.uid, 1000);
    assert_int_equal(e.gid, 100);
    assert_int_equal(e.mtime, 1700000000u);
    assert_int_equal(e.size_bytes, 6);
    assert_memory_equal(e.data, "hello\n", 6);

    assert_int_equal(kaal_cpio_next(&c, &e), KAAL_CPIO_OK);
    assert_string_equal(e.name, "bin/sh"); /* leading "/" dropped */
    assert_int_equal(e.size_bytes, 5);
    assert_memory_equal(e.data, "/init", 5);

    assert_int_equal(kaal_cpio_next(&c, &e), KAAL_CPIO_END);
    assert_int_equal(kaal_cpio_next(&c, &e), KAAL_CPIO_END); /* and stays there */
}

static void test_lower_case_hex_digits_are_accepted(void **state)
{
    (void)state;
    archive_t a;
    a.len = 0;
    add(&a, "x", 0100644, "abcdefghijk"); /* 11 = 0000000B */
    trailer(&a);
    char *f = (char *)a.bytes + 6 + 6 * 8; /* filesize field */
    assert_memory_equal(f, "0000000B", 8);
    f[7] = 'b';
    kaal_cpio_t c;
    kaal_cpio_entry_t e;
    kaal_cpio_init(&c, a.bytes, a.len);
    assert_int_equal(kaal_cpio_next(&c, &e), KAAL_CPIO_OK);
    assert_int_equal(e.size_bytes, 11);
}

/* One damaged archive: a name, how to break the sample, what must come out. */
typedef struct {
    const char *what;
    void (*make)(archive_t *a);
    unsigned good_entries; /* entries returned before the error */
    kaal_cpio_status_t want;
} bad_case_t;

static void truncated_header(archive_t *a)
{
    sample(a);
    a->len = 50;
}

static void truncated_second_header(archive_t *a)
{
    a->len = 0;
    add(a, "a", 0100644, "");
    size_t keep = a->len;
    trailer(a);
    a->len = keep + 60;
}

static void bad_magic(archive_t *a)
{
    sample(a);
    a->bytes[5] = '7'; /* 070707: the old "odc" format */
}

static void crc_format(archive_t *a)
{
    sample(a);
    a->bytes[5] = '2'; /* 070702 is newc with checksums: not accepted */
}

static void non_hex_field(archive_t *a)
{
    sample(a);
    a->bytes[6 + 8 + 3] = 'G'; /* in mode */
}

static void space_in_field(archive_t *a)
{
    sample(a);
    a->bytes[6 + 6 * 8] = ' '; /* in filesize */
}

static void name_without_nul(archive_t *a)
{
    a->len = 0;
    add(a, "abc", 0100644, "");
    a->bytes[KAAL_CPIO_HEADER_BYTES + 3] = 'd'; /* where the NUL was */
    trailer(a);
}

static void name_with_inner_nul(archive_t *a)
{
    a->len = 0;
    add(a, "abc", 0100644, "");
    a->bytes[KAAL_CPIO_HEADER_BYTES + 1] = 0;
    trailer(a);
}

static void empty_name(archive_t *a)
{
    a->len = 0;
    put_header(a, "070701", 0100644, 0, 0, 0);
    trailer(a);
}

static void name_past_the_end(archive_t *a)
{
    a->len = 0;
    put_header(a, "070701", 0100644, 0, 0, 400);
    memcpy(a->bytes + a->len, "ab", 3);
    a->len += 4;
}

static void data_past_the_end(archive_t *a)
{
    a->len = 0;
    add(a, "big", 0100644, "0123456789");
    trailer(a);
    a->len -= KAAL_CPIO_HEADER_BYTES + 12 + 8; /* trailer and part of the data gone */
}

static void huge_file_size(archive_t *a)
{
    a->len = 0;
    put_header(a, "070701", 0100644, 0, 0xffffffffu, 2);
    memcpy(a->bytes + a->len, "a", 2);
    a->len += 4;
    trailer(a);
}

static void dotdot_at_start(archive_t *a)
{
    a->len = 0;
    add(a, "ok", 0100644, "");
    add(a, "../etc/passwd", 0100644, "x");
    trailer(a);
}

static void dotdot_in_the_middle(archive_t *a)
{
    a->len = 0;
    add(a, "/etc/../../x", 0100644, "");
    trailer(a);
}

static void dotdot_alone(archive_t *a)
{
    a->len = 0;
    add(a, "./..", 040755, "");
    trailer(a);
}

static void missing_trailer(archive_t *a)
{
    a->len = 0;
    add(a, "a", 0100644, "x");
    add(a, "b", 0100644, "y");
}

static void empty_archive(archive_t *a)
{
    a->len = 0;
}

static const bad_case_t bad_cases[] = {
    {"truncated header", truncated_header, 0, KAAL_CPIO_TRUNCATED},
    {"truncated second header", truncated_second_header, 1, KAAL_CPIO_TRUNCATED},
    {"bad magic (odc)", bad_magic, 0, KAAL_CPIO_BAD_MAGIC},
    {"bad magic (crc)", crc_format, 0, KAAL_CPIO_BAD_MAGIC},
    {"non-hex field", non_hex_field, 0, KAAL_CPIO_BAD_FIELD},
    {"space in a field", space_in_field, 0, KAAL_CPIO_BAD_FIELD},
    {"name without NUL", name_without_nul, 0, KAAL_CPIO_BAD_NAME},
    {"name with an inner NUL", name_with_inner_nul, 0, KAAL_CPIO_BAD_NAME},
    {"empty name", empty_name, 0, KAAL_CPIO_BAD_NAME},
    {"name past the end", name_past_the_end, 0, KAAL_CPIO_BAD_NAME},
    {"data past the end", data_past_the_end, 0, KAAL_CPIO_BAD_SIZE},
    {"file size 4 GiB", huge_file_size, 0, KAAL_CPIO_BAD_SIZE},
    {"../ at the start", dotdot_at_start, 1, KAAL_CPIO_BAD_PATH},
    {"/../ in the middle", dotdot_in_the_middle, 0, KAAL_CPIO_BAD_PATH},
    {"./.. alone", dotdot_alone, 0, KAAL_CPIO_BAD_PATH},
    {"missing TRAILER!!!", missing_trailer, 2, KAAL_CPIO_NO_TRAILER},
    {"empty archive", empty_archive, 0, KAAL_CPIO_NO_TRAILER},
};

static void test_each_damaged_archive_is_refused_with_the_status_naming_the_damage(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const bad_case_t *bc = &bad_cases[i];
        archive_t a;
        memset(&a, 0, sizeof(a));
        bc->make(&a);
        /* A copy of exactly a.len bytes, so ASan catches any read past it. */
        uint8_t *copy = malloc(a.len ? a.len : 1);
        memcpy(copy, a.bytes, a.len);
        kaal_cpio_t c;
        kaal_cpio_entry_t e;
        kaal_cpio_init(&c, copy, a.len);
        unsigned n = 0;
        kaal_cpio_status_t st;
        while ((st = kaal_cpio_next(&c, &e)) == KAAL_CPIO_OK)
            n++;
        if (st != bc->want || n != bc->good_entries)
            fail_msg("%s: got %s after %u entries, want %s after %u", bc->what,
                     kaal_cpio_strerror(st), n, kaal_cpio_strerror(bc->want), bc->good_entries);
        assert_int_equal(kaal_cpio_next(&c, &e), st); /* the error sticks */
        free(copy);
    }
}

static void test_every_status_has_a_message(void **state)
{
    (void)state;
    for (int s = KAAL_CPIO_OK; s <= KAAL_CPIO_NO_TRAILER; s++)
        assert_string_not_equal(kaal_cpio_strerror((kaal_cpio_status_t)s), "unknown cpio error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_well_formed_archive_yields_every_entry_then_end),
        cmocka_unit_test(test_lower_case_hex_digits_are_accepted),
        cmocka_unit_test(test_each_damaged_archive_is_refused_with_the_status_naming_the_damage),
        cmocka_unit_test(test_every_status_has_a_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
