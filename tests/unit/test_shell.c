// SPDX-License-Identifier: BSD-2-Clause
/* The shell (services/shell/shell.c, commands.c) driven like a user at the
 * serial console: bytes in, the screen (tests/unit/dddk/term.c) and the
 * calls the commands make on a fake system out. */
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

/* ---- a fake system ---- */

struct fake_system {
    kaal_shell_component_t comps[3];
    size_t n_comps;
    kaal_device_t dev_storage[6];
    kaal_device_list_t devices;
    kaal_error_t lifecycle_result, poweroff_result;
    kaal_shell_lifecycle_t last_op;
    char last_name[32];
    unsigned n_lifecycle, n_poweroff, n_crash;
    bool crash_name_null;
    uint64_t slept_ns;
    unsigned n_sleeps;
};

static size_t sys_components(void *ctx, kaal_shell_component_t *out, size_t max)
{
    struct fake_system *s = ctx;
    for (size_t i = 0; i < s->n_comps && i < max; i++)
        out[i] = s->comps[i];
    return s->n_comps;
}

static const kaal_device_list_t *sys_devices(void *ctx)
{
    return &((struct fake_system *)ctx)->devices;
}

static kaal_error_t sys_mem(void *ctx, kaal_shell_mem_t *out)
{
    (void)ctx;
    *out = (kaal_shell_mem_t){.untyped_total_bytes = 512u << 20,
                              .untyped_free_bytes = 400u << 20,
                              .heap_total_bytes = 64 << 10,
                              .heap_used_bytes = 5 << 10};
    return KAAL_OK;
}

static uint64_t sys_uptime(void *ctx)
{
    (void)ctx;
    return 3725250000000ull; /* 1 h 2 min 5.25 s */
}

static kaal_error_t sys_sleep(void *ctx, uint64_t ns)
{
    struct fake_system *s = ctx;
    s->n_sleeps++;
    s->slept_ns = ns;
    return KAAL_OK;
}

static kaal_error_t sys_date(void *ctx, kaal_shell_date_t *out)
{
    (void)ctx;
    *out = (kaal_shell_date_t){2026, 11, 25, 9, 5, 7};
    return KAAL_OK;
}

static kaal_error_t sys_lifecycle(void *ctx, kaal_shell_lifecycle_t op, const char *name)
{
    struct fake_system *s = ctx;
    s->n_lifecycle++;
    s->last_op = op;
    snprintf(s->last_name, sizeof(s->last_name), "%s", name);
    for (size_t i = 0; i < s->n_comps; i++)
        if (strcmp(s->comps[i].name, name) == 0)
            return s->lifecycle_result;
    return KAAL_ENOENT;
}

static kaal_error_t sys_poweroff(void *ctx)
{
    struct fake_system *s = ctx;
    s->n_poweroff++;
    return s->poweroff_result;
}

static kaal_error_t sys_crash(void *ctx, const char *name)
{
    struct fake_system *s = ctx;
    s->n_crash++;
    s->crash_name_null = name == NULL;
    if (name != NULL)
        snprintf(s->last_name, sizeof(s->last_name), "%s", name);
    return KAAL_OK;
}

struct fixture {
    struct fake_system sys;
    kaal_shell_system_ops_t ops;
    kaal_shell_t sh;
    term_t term;
    unsigned n_writes;
};

static void count_write(void *ctx, const char *bytes, size_t n)
{
    struct fixture *f = ctx;
    f->n_writes++;
    term_write(&f->term, bytes, n);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct fake_system *s = &f->sys;
    s->comps[0] = (kaal_shell_component_t){"init", "running", 255, 0, 40};
    s->comps[1] = (kaal_shell_component_t){"serial", "running", 200, 0, 12};
    s->comps[2] = (kaal_shell_component_t){"demo", "faulted", 100, 3, 7};
    s->n_comps = 3;
    kaal_devices_init(&s->devices, s->dev_storage, 6);
    kaal_device_t *host = kaal_devices_add(&s->devices, KAAL_BUS_PCI);
    host->pci = (kaal_pci_function_t){.vendor_id = 0x8086, .device_id = 0x29c0, .class_code = 6};
    kaal_device_t *nic = kaal_devices_add(&s->devices, KAAL_BUS_PCI);
    nic->pci = (kaal_pci_function_t){.dev = 3,
                                     .vendor_id = 0x8086,
                                     .device_id = 0x100e,
                                     .class_code = 2,
                                     .revision = 3,
                                     .irq_pin = 1,
                                     .irq_line = 11,
                                     .msi = {.offset = 0xd0}};
    kaal_device_add_resource(nic, (kaal_resource_t){.kind = KAAL_RESOURCE_MMIO,
                                                    .flags = KAAL_RES_BAR,
                                                    .base = 0xfebc0000,
                                                    .size = 0x20000});
    kaal_isa_add_devices(&s->devices, NULL); /* 4 fit, 1 dropped */
    f->ops = (kaal_shell_system_ops_t){.ctx = s,
                                       .components = sys_components,
                                       .devices = sys_devices,
                                       .mem = sys_mem,
                                       .uptime_ns = sys_uptime,
                                       .sleep_ns = sys_sleep,
                                       .date = sys_date,
                                       .lifecycle = sys_lifecycle,
                                       .poweroff = sys_poweroff,
                                       .crash = sys_crash};
    term_init(&f->term);
    kaal_shell_init(&f->sh, count_write, f, &f->ops);
    kaal_shell_start(&f->sh);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static void type(struct fixture *f, const char *text)
{
    kaal_shell_feed(&f->sh, text, strlen(text));
}

/* Finds a screen row (from the top) equal to text; -1 if none. */
static int screen_row(struct fixture *f, const char *text)
{
    for (int r = -f->term.row; r <= 0; r++)
        if (strcmp(term_line(&f->term, r), text) == 0)
            return r;
    return -1000;
}

static void assert_screen_has(struct fixture *f, const char *text)
{
    if (screen_row(f, text) == -1000)
        fail_msg("screen has no row \"%s\"; output was:\n%s", text, f->term.raw);
}

static void test_start_prints_the_prompt(void **state)
{
    struct fixture *f = *state;
    assert_string_equal(term_line(&f->term, 0), "kaal>");
    assert_string_equal(f->term.raw, "kaal> ");
}

static void test_echo_prints_its_words_and_a_new_prompt(void **state)
{
    struct fixture *f = *state;
    type(f, "echo hello   'big world'\r");
    assert_string_equal(term_line(&f->term, -2), "kaal> echo hello   'big world'");
    assert_string_equal(term_line(&f->term, -1), "hello big world");
    assert_string_equal(term_line(&f->term, 0), "kaal>");
    assert_int_equal(f->sh.last_status, 0);
}

static void test_unknown_command_says_so_clearly(void **state)
{
    struct fixture *f = *state;
    type(f, "foo bar\r");
    assert_string_equal(term_line(&f->term, -1), "kaal: unknown command 'foo' (try 'help')");
    assert_int_equal(f->sh.last_status, 127);
    assert_string_equal(term_line(&f->term, 0), "kaal>");
}

static void test_help_lists_every_command(void **state)
{
    struct fixture *f = *state;
    type(f, "help\r");
    static const char *const names[] = {"help",    "echo",   "ps",       "lspci", "mem",
                                        "caps",    "uptime", "date",     "sleep", "start", "stop",
                                        "restart", "kill",   "poweroff", "crash", "ls",
                                        "cat",     "write",  "mkdir",    "rm",    "rmdir",
                                        "stat",    "df",     "cd",       "pwd"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char needle[32];
        snprintf(needle, sizeof(needle), "\r\n  %s ", names[i]);
        if (strstr(f->term.raw, needle) == NULL)
            fail_msg("help does not list %s:\n%s", names[i], f->term.raw);
    }
    assert_int_equal(kaal_shell_n_commands, sizeof(names) / sizeof(names[0]));
}

static void test_ps_shows_name_state_priority_restarts(void **state)
{
    struct fixture *f = *state;
    type(f, "ps\r");
    assert_screen_has(f, "NAME             STATE      PRIO RESTARTS");
    assert_screen_has(f, "init             running     255        0");
    assert_screen_has(f, "demo             faulted     100        3");
}

static void test_caps_shows_cap_count_per_component(void **state)
{
    struct fixture *f = *state;
    type(f, "caps\r");
    assert_screen_has(f, "serial               12");
}

static void test_lspci_prints_the_broker_device_list(void **state)
{
    struct fixture *f = *state;
    type(f, "lspci\r");
    /* One row per PCI device; the ISA entries are not PCI functions. */
    assert_string_equal(term_line(&f->term, -3),
                        "00:00.0 Host bridge [0600]: 8086:29c0 (rev 00, prog-if 00)");
    assert_string_equal(term_line(&f->term, -2),
                        "00:03.0 Ethernet controller [0200]: 8086:100e (rev 03, prog-if 00), "
                        "pin INTA line 11, BAR0 mem32 0xfebc0000 size 0x20000, MSI 1 vectors");
    assert_string_equal(term_line(&f->term, -1), "(1 more devices did not fit)");
    assert_string_equal(term_line(&f->term, 0), "kaal>");
    assert_null(strstr(f->term.raw, "com1"));
    assert_int_equal(f->term.bad_controls, 0);
}

static void test_mem_uptime_and_date_format_system_figures(void **state)
{
    struct fixture *f = *state;
    type(f, "mem\ruptime\rdate\r");
    assert_screen_has(f, "untyped: 409600 KiB free of 524288 KiB");
    assert_screen_has(f, "heap:    5 KiB used of 64 KiB");
    assert_screen_has(f, "up 1:02:05.250");
    assert_screen_has(f, "2026-11-25 09:05:07");
}

static void test_sleep_takes_milliseconds_and_refuses_anything_else(void **state)
{
    struct fixture *f = *state;
    type(f, "sleep 250\r");
    assert_int_equal(f->sys.n_sleeps, 1);
    assert_int_equal(f->sys.slept_ns, 250000000ull);
    assert_int_equal(f->sh.last_status, 0);
    type(f, "sleep 86400000\r");
    assert_int_equal(f->sys.slept_ns, 86400000ull * 1000000u);
    static const char *const bad[] = {"0", "-1", "1.5", "12x", "x", "86400001",
                                      "99999999999999999999999", "0x10", " "};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char line[64], shown[128];
        snprintf(line, sizeof(line), "sleep '%s'\r", bad[i]);
        type(f, line);
        snprintf(shown, sizeof(shown), "sleep: '%s' is not a number of milliseconds (1..86400000)",
                 bad[i]);
        assert_string_equal(term_line(&f->term, -1), shown);
        assert_int_equal(f->sh.last_status, 2);
    }
    assert_int_equal(f->sys.n_sleeps, 2);
    type(f, "sleep\r"); /* a usage error from the table's argument count */
    assert_int_equal(f->sys.n_sleeps, 2);
}

static void test_lifecycle_commands_call_the_system_with_the_name(void **state)
{
    struct fixture *f = *state;
    static const struct {
        const char *line, *shown;
        kaal_shell_lifecycle_t op;
    } cases[] = {{"start demo\r", "demo started", KAAL_SHELL_START},
                 {"stop demo\r", "demo stopped", KAAL_SHELL_STOP},
                 {"restart demo\r", "demo restarted", KAAL_SHELL_RESTART},
                 {"kill demo\r", "demo killed", KAAL_SHELL_KILL}};
    for (size_t i = 0; i < 4; i++) {
        type(f, cases[i].line);
        assert_int_equal(f->sys.last_op, cases[i].op);
        assert_string_equal(f->sys.last_name, "demo");
        assert_string_equal(term_line(&f->term, -1), cases[i].shown);
    }
    assert_int_equal(f->sys.n_lifecycle, 4);
}

static void test_lifecycle_reports_unknown_component_and_failures(void **state)
{
    struct fixture *f = *state;
    type(f, "stop nosuch\r");
    assert_string_equal(term_line(&f->term, -1), "stop: no component 'nosuch'");
    assert_int_equal(f->sh.last_status, 1);
    f->sys.lifecycle_result = KAAL_EBUSY;
    type(f, "restart demo\r");
    assert_string_equal(term_line(&f->term, -1), "restart: busy");
}

static void test_wrong_argument_count_prints_usage_without_calling(void **state)
{
    struct fixture *f = *state;
    type(f, "start\rkill a b\rps x\r");
    assert_screen_has(f, "usage: start NAME");
    assert_screen_has(f, "usage: kill NAME");
    assert_screen_has(f, "usage: ps");
    assert_int_equal(f->sys.n_lifecycle, 0);
    assert_int_equal(f->sh.n_commands_run, 0);
}

static void test_poweroff_calls_the_system_and_reports_failure(void **state)
{
    struct fixture *f = *state;
    f->sys.poweroff_result = KAAL_ENOSYS;
    type(f, "poweroff\r");
    assert_int_equal(f->sys.n_poweroff, 1);
    assert_screen_has(f, "powering off");
    assert_screen_has(f, "poweroff: not implemented");
}

static void test_crash_names_a_component_or_the_demo(void **state)
{
    struct fixture *f = *state;
    type(f, "crash\r");
    assert_true(f->sys.crash_name_null);
    type(f, "crash serial\r");
    assert_false(f->sys.crash_name_null);
    assert_string_equal(f->sys.last_name, "serial");
    assert_int_equal(f->sys.n_crash, 2);
}

static void test_commands_without_a_system_say_not_available(void **state)
{
    struct fixture *f = *state;
    kaal_shell_system_ops_t none = {0};
    f->sh.sys = &none;
    type(f, "date\r");
    assert_string_equal(term_line(&f->term, -1), "kaal: 'date' is not available on this system");
    type(f, "ps\rlspci\rmem\ruptime\rsleep 5\rstart x\rpoweroff\rcrash\rcaps\r");
    assert_int_equal(f->sh.last_status, 1);
    assert_int_equal(f->term.bad_controls, 0);
}

static void test_quote_errors_and_too_many_words_are_reported(void **state)
{
    struct fixture *f = *state;
    type(f, "echo \"open\r");
    assert_string_equal(term_line(&f->term, -1), "kaal: unterminated quote");
    type(f, "echo 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\r");
    assert_string_equal(term_line(&f->term, -1), "kaal: too many words (at most 16)");
}

static void test_ctrl_c_gives_a_fresh_prompt_without_running(void **state)
{
    struct fixture *f = *state;
    type(f, "poweroff\x03");
    assert_int_equal(f->sys.n_poweroff, 0);
    assert_string_equal(term_line(&f->term, -1), "kaal> poweroff^C");
    assert_string_equal(term_line(&f->term, 0), "kaal>");
}

static void test_history_recalls_a_command_to_run_again(void **state)
{
    struct fixture *f = *state;
    type(f, "restart demo\r");
    type(f, "\x1b[A\r");
    assert_int_equal(f->sys.n_lifecycle, 2);
    assert_string_equal(term_line(&f->term, -2), "kaal> restart demo");
}

static void test_empty_line_prints_only_a_new_prompt(void **state)
{
    struct fixture *f = *state;
    type(f, "\r   \r");
    assert_string_equal(term_line(&f->term, -2), "kaal>");
    assert_string_equal(term_line(&f->term, -1), "kaal>");
    assert_int_equal(f->sh.n_commands_run, 0);
}

static void test_output_is_written_in_few_large_chunks(void **state)
{
    struct fixture *f = *state;
    unsigned before = f->n_writes;
    type(f, "help\r");
    /* ~900 bytes of output through a 128-byte buffer: not one write per byte */
    assert_true(f->term.raw_len > 500);
    assert_true(f->n_writes - before < 16);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_start_prints_the_prompt),
        T(test_echo_prints_its_words_and_a_new_prompt),
        T(test_unknown_command_says_so_clearly),
        T(test_help_lists_every_command),
        T(test_ps_shows_name_state_priority_restarts),
        T(test_caps_shows_cap_count_per_component),
        T(test_lspci_prints_the_broker_device_list),
        T(test_mem_uptime_and_date_format_system_figures),
        T(test_sleep_takes_milliseconds_and_refuses_anything_else),
        T(test_lifecycle_commands_call_the_system_with_the_name),
        T(test_lifecycle_reports_unknown_component_and_failures),
        T(test_wrong_argument_count_prints_usage_without_calling),
        T(test_poweroff_calls_the_system_and_reports_failure),
        T(test_crash_names_a_component_or_the_demo),
        T(test_commands_without_a_system_say_not_available),
        T(test_quote_errors_and_too_many_words_are_reported),
        T(test_ctrl_c_gives_a_fresh_prompt_without_running),
        T(test_history_recalls_a_command_to_run_again),
        T(test_empty_line_prints_only_a_new_prompt),
        T(test_output_is_written_in_few_large_chunks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
