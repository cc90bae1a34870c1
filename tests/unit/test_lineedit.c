// SPDX-License-Identifier: BSD-2-Clause
/* The shell's line editor (services/shell/lineedit.c) and tokenizer
 * (services/shell/tokenize.c): bytes in, the completed line and the screen
 * (a dumb terminal model, tests/unit/dddk/term.c) out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kaal/shell.h>

#include "dddk/term.h"

struct fixture {
    kaal_lineedit_t le;
    term_t term;
    unsigned n_ready, n_cancelled;
    char last_line[KAAL_SHELL_LINE_MAX];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    term_init(&f->term);
    kaal_lineedit_init(&f->le, term_write, &f->term);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static void feed(struct fixture *f, const char *bytes)
{
    for (const char *p = bytes; *p; p++) {
        kaal_line_status_t st = kaal_lineedit_feed(&f->le, (uint8_t)*p);
        if (st == KAAL_LINE_READY) {
            f->n_ready++;
            strcpy(f->last_line, kaal_lineedit_line(&f->le));
        } else if (st == KAAL_LINE_CANCELLED) {
            f->n_cancelled++;
        }
    }
}

static void test_printable_bytes_are_inserted_and_echoed(void **state)
{
    struct fixture *f = *state;
    feed(f, "ls -l /");
    assert_string_equal(f->le.line, "ls -l /");
    assert_string_equal(term_line(&f->term, 0), "ls -l /");
    assert_int_equal(f->n_ready, 0);
}

static void test_enter_completes_the_line_and_moves_to_a_new_row(void **state)
{
    struct fixture *f = *state;
    feed(f, "echo hi\r");
    assert_int_equal(f->n_ready, 1);
    assert_string_equal(f->last_line, "echo hi");
    assert_string_equal(f->le.line, "");
    assert_string_equal(term_line(&f->term, -1), "echo hi");
    assert_string_equal(term_line(&f->term, 0), "");
    assert_int_equal(f->term.col, 0);
}

static void test_crlf_and_lf_end_one_line_each(void **state)
{
    struct fixture *f = *state;
    feed(f, "a\r\nb\nc\r\r");
    assert_int_equal(f->n_ready, 4); /* a, b, c, and an empty line */
    assert_string_equal(f->last_line, "");
}

static void test_backspace_and_del_erase_one_character(void **state)
{
    struct fixture *f = *state;
    feed(f, "helo\bp\x7f\x7flp");
    assert_string_equal(f->le.line, "help");
    assert_string_equal(term_line(&f->term, 0), "help");
    assert_int_equal(f->term.col, 4);
    feed(f, "\b\b\b\b\b\b"); /* more than there is: stops at the start */
    assert_string_equal(f->le.line, "");
    assert_int_equal(f->term.col, 0);
    assert_string_equal(term_line(&f->term, 0), "");
}

static void test_ctrl_c_cancels_the_line(void **state)
{
    struct fixture *f = *state;
    feed(f, "rm everything\x03");
    assert_int_equal(f->n_cancelled, 1);
    assert_int_equal(f->n_ready, 0);
    assert_string_equal(f->le.line, "");
    assert_string_equal(term_line(&f->term, -1), "rm everything^C");
    feed(f, "ok\r");
    assert_string_equal(f->last_line, "ok");
}

static void test_ctrl_u_clears_the_line_on_screen_too(void **state)
{
    struct fixture *f = *state;
    feed(f, "typo typo\x15"
            "date");
    assert_string_equal(f->le.line, "date");
    assert_string_equal(term_line(&f->term, 0), "date");
}

static void test_up_and_down_walk_the_history(void **state)
{
    struct fixture *f = *state;
    feed(f, "one\rtwo\rthree\r");
    feed(f, "dra");
    feed(f, "\x1b[A");
    assert_string_equal(f->le.line, "three");
    assert_string_equal(term_line(&f->term, 0), "three");
    feed(f, "\x1b[A\x1b[A");
    assert_string_equal(term_line(&f->term, 0), "one");
    unsigned bells = f->term.bells;
    feed(f, "\x1b[A"); /* nothing older */
    assert_int_equal(f->term.bells, bells + 1);
    assert_string_equal(f->le.line, "one");
    feed(f, "\x1b[B");
    assert_string_equal(f->le.line, "two");
    feed(f, "\x1b[B\x1b[B"); /* past the newest: the draft comes back */
    assert_string_equal(f->le.line, "dra");
    assert_string_equal(term_line(&f->term, 0), "dra");
    feed(f, "\x1bOA\r"); /* application cursor mode (SS3) works too */
    assert_string_equal(f->last_line, "three");
}

static void test_history_keeps_the_last_n_lines_without_repeats(void **state)
{
    struct fixture *f = *state;
    char line[16];
    for (int i = 0; i < KAAL_SHELL_HISTORY + 5; i++) {
        snprintf(line, sizeof(line), "cmd%d\r", i);
        feed(f, line);
    }
    feed(f, "cmd20\r\r"); /* a repeat of the newest and an empty line: not added */
    assert_int_equal(f->le.hist_count, KAAL_SHELL_HISTORY);
    for (int i = 0; i < KAAL_SHELL_HISTORY; i++)
        feed(f, "\x1b[A");
    assert_string_equal(f->le.line, "cmd5"); /* cmd0..cmd4 fell off */
    feed(f, "\x1b[B");
    assert_string_equal(f->le.line, "cmd6");
}

static void test_recalled_line_can_be_edited_and_run(void **state)
{
    struct fixture *f = *state;
    feed(f, "start demo\r\x1b[A\b\b\b\bshell\r");
    assert_string_equal(f->last_line, "start shell");
}

static void test_unknown_escape_sequences_are_swallowed(void **state)
{
    struct fixture *f = *state;
    feed(f, "a\x1b[3~b\x1b[1;5Cc\x1b[Dd\x1bxe"); /* Delete, Ctrl-Right, Left, Alt-x */
    assert_string_equal(f->le.line, "abcde");
    assert_string_equal(term_line(&f->term, 0), "abcde");
    assert_int_equal(f->term.bad_controls, 0);
}

static void test_broken_escape_sequence_does_not_eat_control_keys(void **state)
{
    struct fixture *f = *state;
    feed(f, "x\x1b[\x03");
    assert_int_equal(f->n_cancelled, 1);
    feed(f, "\x1b[12345678901234567890y\r"); /* overlong CSI is dropped at 16 bytes */
    assert_int_equal(f->le.esc, 0);
    assert_int_equal(f->n_ready, 1);
}

static void test_full_line_rings_the_bell_and_keeps_what_fits(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < KAAL_SHELL_LINE_MAX + 10; i++)
        feed(f, "z");
    assert_int_equal(f->le.len, KAAL_SHELL_LINE_MAX - 1);
    assert_int_equal(f->term.bells, 11);
    feed(f, "\r");
    assert_int_equal(strlen(f->last_line), KAAL_SHELL_LINE_MAX - 1);
}

static void test_tabs_controls_and_non_ascii_are_ignored(void **state)
{
    struct fixture *f = *state;
    feed(f, "a\tb\x01\x02\x04\x7f\xc3\xa9"
            "c");
    assert_string_equal(f->le.line, "ac");
    assert_int_equal(f->term.bad_controls, 0);
}

/* ---- tokenizer ---- */

static int tokenize(const char *text, char *buf, char **argv, int max)
{
    strcpy(buf, text);
    kaal_shell_tokens_ret_t r = kaal_shell_tokenize(buf, argv, max);
    return r.err == KAAL_OK ? r.argc : -(int)r.err;
}

static void test_tokenizer_splits_on_blanks(void **state)
{
    (void)state;
    char buf[128], *argv[8];
    assert_int_equal(tokenize("  start \t demo  ", buf, argv, 8), 2);
    assert_string_equal(argv[0], "start");
    assert_string_equal(argv[1], "demo");
    assert_int_equal(tokenize("   ", buf, argv, 8), 0);
    assert_int_equal(tokenize("", buf, argv, 8), 0);
}

static void test_tokenizer_handles_quotes_and_escapes(void **state)
{
    (void)state;
    char buf[128], *argv[8];
    assert_int_equal(
        tokenize("echo 'a  b' \"c \\\"d\\\" e\" f\\ g a\"b c\"d '' \"\"", buf, argv, 8), 7);
    assert_string_equal(argv[0], "echo");
    assert_string_equal(argv[1], "a  b");
    assert_string_equal(argv[2], "c \"d\" e");
    assert_string_equal(argv[3], "f g");
    assert_string_equal(argv[4], "ab cd");
    assert_string_equal(argv[5], "");
    assert_string_equal(argv[6], "");
    assert_int_equal(tokenize("echo 'it\\'s'", buf, argv, 8), -KAAL_EFORMAT);
    assert_int_equal(tokenize("echo 'a\\b'", buf, argv, 8), 2);
    assert_string_equal(argv[1], "a\\b"); /* single quotes are literal */
}

static void test_tokenizer_reports_unterminated_quote_and_too_many_words(void **state)
{
    (void)state;
    char buf[128], *argv[4];
    assert_int_equal(tokenize("echo \"oops", buf, argv, 4), -KAAL_EFORMAT);
    assert_int_equal(tokenize("echo 'oops", buf, argv, 4), -KAAL_EFORMAT);
    assert_int_equal(tokenize("a b c d", buf, argv, 4), 4);
    assert_int_equal(tokenize("a b c d e", buf, argv, 4), -KAAL_ERANGE);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_printable_bytes_are_inserted_and_echoed),
        T(test_enter_completes_the_line_and_moves_to_a_new_row),
        T(test_crlf_and_lf_end_one_line_each),
        T(test_backspace_and_del_erase_one_character),
        T(test_ctrl_c_cancels_the_line),
        T(test_ctrl_u_clears_the_line_on_screen_too),
        T(test_up_and_down_walk_the_history),
        T(test_history_keeps_the_last_n_lines_without_repeats),
        T(test_recalled_line_can_be_edited_and_run),
        T(test_unknown_escape_sequences_are_swallowed),
        T(test_broken_escape_sequence_does_not_eat_control_keys),
        T(test_full_line_rings_the_bell_and_keeps_what_fits),
        T(test_tabs_controls_and_non_ascii_are_ignored),
        cmocka_unit_test(test_tokenizer_splits_on_blanks),
        cmocka_unit_test(test_tokenizer_handles_quotes_and_escapes),
        cmocka_unit_test(test_tokenizer_reports_unterminated_quote_and_too_many_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
