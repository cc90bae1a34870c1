// SPDX-License-Identifier: BSD-2-Clause
/* The console's multiplexer (services/console/mux.c): whole lines, prefixes,
 * per-client buffering, long lines, a client's new life, and the
 * interactive line that other clients' lines must not split. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../services/console/mux.h"

static char screen[8192];
static size_t screen_len;

static void capture(void *ctx, const char *bytes, size_t n)
{
    (void)ctx;
    assert_true(screen_len + n < sizeof(screen));
    memcpy(screen + screen_len, bytes, n);
    screen_len += n;
    screen[screen_len] = 0;
}

static console_mux_t mux;

static void start(bool prefix)
{
    screen_len = 0;
    screen[0] = 0;
    console_mux_init(&mux, capture, NULL, prefix);
}

static void w(unsigned client, const char *s)
{
    console_mux_write(&mux, client, s, strlen(s));
}

static void test_complete_line_goes_out_with_its_prefix(void **state)
{
    (void)state;
    start(true);
    console_mux_open(&mux, 1, "hello");
    w(1, "Hello from hello\n");
    assert_string_equal(screen, "[hello] Hello from hello\n");
}

static void test_prefix_off_gives_bare_lines(void **state)
{
    (void)state;
    start(false);
    console_mux_open(&mux, 1, "hello");
    w(1, "Hello from hello\n");
    assert_string_equal(screen, "Hello from hello\n");
}

static void test_partial_lines_of_two_clients_never_interleave(void **state)
{
    (void)state;
    start(true);
    console_mux_open(&mux, 1, "a");
    console_mux_open(&mux, 2, "b");
    w(1, "aaa");
    w(2, "bb");
    assert_int_equal(screen_len, 0); /* nothing until a line ends */
    w(2, "b\n");
    w(1, "aaa\n");
    assert_string_equal(screen, "[b] bbb\n[a] aaaaaa\n");
}

static void test_several_lines_in_one_write_keep_their_order(void **state)
{
    (void)state;
    start(true);
    console_mux_open(&mux, 3, "c");
    w(3, "1\n2\n3");
    assert_string_equal(screen, "[c] 1\n[c] 2\n");
    w(3, "\n");
    assert_string_equal(screen, "[c] 1\n[c] 2\n[c] 3\n");
}

static void test_long_line_is_broken_with_a_prefix_on_each_piece(void **state)
{
    (void)state;
    start(true);
    console_mux_open(&mux, 1, "x");
    char line[CONSOLE_LINE_BYTES + 11];
    memset(line, 'z', sizeof(line) - 1);
    line[sizeof(line) - 1] = 0;
    w(1, line);
    w(1, "\n");
    char want[2 * CONSOLE_LINE_BYTES];
    snprintf(want, sizeof(want), "[x] %.*s\n[x] zzzzzzzzzz\n", CONSOLE_LINE_BYTES, line);
    assert_string_equal(screen, want);
}

static void test_reopen_ends_the_previous_lifes_partial_line(void **state)
{
    (void)state;
    start(true);
    console_mux_open(&mux, 1, "demo");
    w(1, "half");
    console_mux_open(&mux, 1, "demo");
    w(1, "new\n");
    assert_string_equal(screen, "[demo] half\n[demo] new\n");
}

static void test_close_of_a_gone_client_ends_its_partial_line_once(void **state)
{
    (void)state;
    start(true);
    console_mux_open(&mux, 2, "demo");
    w(2, "half a li");
    assert_string_equal(screen, "");
    console_mux_close(&mux, 2);
    assert_string_equal(screen, "[demo] half a li\n");
    console_mux_close(&mux, 2); /* nothing left: nothing more */
    console_mux_close(&mux, 99);
    assert_string_equal(screen, "[demo] half a li\n");
}

static void test_raw_output_passes_at_once_without_prefix(void **state)
{
    (void)state;
    start(true);
    console_mux_raw(&mux, "kaal> ", 6);
    assert_string_equal(screen, "kaal> ");
}

static void test_line_during_an_open_prompt_starts_on_a_line_of_its_own(void **state)
{
    (void)state;
    start(true);
    console_mux_open(&mux, 1, "hello");
    console_mux_raw(&mux, "kaal> ec", 8);
    w(1, "hi\n");
    assert_string_equal(screen, "kaal> ec\n[hello] hi\n");
    console_mux_raw(&mux, "ho\r\n", 4);
    w(1, "again\n"); /* the shell ended its line: no extra newline */
    assert_string_equal(screen, "kaal> ec\n[hello] hi\nho\r\n[hello] again\n");
}

static void test_unknown_client_index_is_ignored(void **state)
{
    (void)state;
    start(true);
    console_mux_open(&mux, CONSOLE_MAX_CLIENTS, "bad");
    console_mux_write(&mux, CONSOLE_MAX_CLIENTS, "x\n", 2);
    assert_int_equal(screen_len, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_complete_line_goes_out_with_its_prefix),
        cmocka_unit_test(test_prefix_off_gives_bare_lines),
        cmocka_unit_test(test_partial_lines_of_two_clients_never_interleave),
        cmocka_unit_test(test_several_lines_in_one_write_keep_their_order),
        cmocka_unit_test(test_long_line_is_broken_with_a_prefix_on_each_piece),
        cmocka_unit_test(test_reopen_ends_the_previous_lifes_partial_line),
        cmocka_unit_test(test_close_of_a_gone_client_ends_its_partial_line_once),
        cmocka_unit_test(test_raw_output_passes_at_once_without_prefix),
        cmocka_unit_test(test_line_during_an_open_prompt_starts_on_a_line_of_its_own),
        cmocka_unit_test(test_unknown_client_index_is_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
