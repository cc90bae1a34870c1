// SPDX-License-Identifier: BSD-2-Clause
/* The shell's command table. help and echo live here; every other command
 * formats what a kaal_shell_system_ops_t member returns (init and the
 * broker implement them in the guest). A NULL member makes its command say
 * "not available" instead of failing silently. Commands return 0 on
 * success, 1 when the system refused. Output lines end in "\r\n" (the
 * console is a raw serial line).
 */
#include <kaal/shell.h>
#include <kaal/string.h>

#include "files.h"

#define PS_MAX 64

static int not_available(kaal_shell_t *sh, const char *cmd)
{
    kaal_shell_printf(sh, "kaal: '%s' is not available on this system\r\n", cmd);
    return 1;
}

static int failed(kaal_shell_t *sh, const char *cmd, kaal_error_t err)
{
    kaal_shell_printf(sh, "%s: %s\r\n", cmd, kaal_strerror(err));
    return 1;
}

static int cmd_help(kaal_shell_t *sh, int argc, char **argv)
{
    (void)argc, (void)argv;
    kaal_shell_printf(sh, "commands:\r\n");
    for (size_t i = 0; i < kaal_shell_n_commands; i++) {
        const kaal_shell_cmd_t *c = &kaal_shell_commands[i];
        kaal_shell_printf(sh, "  %-8s %-10s %s\r\n", c->name, c->args, c->help);
    }
    return 0;
}

/* `echo WORD... > FILE` and `>> FILE` (the redirection a word of its own)
 * write the words to FILE (files.c). */
static int cmd_echo(kaal_shell_t *sh, int argc, char **argv)
{
    if (argc >= 3 && (strcmp(argv[argc - 2], ">") == 0 || strcmp(argv[argc - 2], ">>") == 0))
        return kaal_shell_write_words(sh, argv[0], argv[argc - 1], argv + 1, argc - 3,
                                      argv[argc - 2][1] == '>');
    for (int i = 1; i < argc; i++)
        kaal_shell_printf(sh, "%s%s", i > 1 ? " " : "", argv[i]);
    kaal_shell_printf(sh, "\r\n");
    return 0;
}

static size_t get_components(kaal_shell_t *sh, kaal_shell_component_t *list)
{
    size_t n = sh->sys->components(sh->sys->ctx, list, PS_MAX);
    return n < PS_MAX ? n : PS_MAX;
}

static int cmd_ps(kaal_shell_t *sh, int argc, char **argv)
{
    (void)argc;
    if (sh->sys == NULL || sh->sys->components == NULL)
        return not_available(sh, argv[0]);
    static kaal_shell_component_t list[PS_MAX];
    size_t n = get_components(sh, list);
    kaal_shell_printf(sh, "%-16s %-10s %4s %8s\r\n", "NAME", "STATE", "PRIO", "RESTARTS");
    for (size_t i = 0; i < n; i++)
        kaal_shell_printf(sh, "%-16.31s %-10s %4u %8u\r\n", list[i].name,
                          list[i].state ? list[i].state : "?", list[i].priority,
                          (unsigned)list[i].restarts);
    return 0;
}

static int cmd_caps(kaal_shell_t *sh, int argc, char **argv)
{
    (void)argc;
    if (sh->sys == NULL || sh->sys->components == NULL)
        return not_available(sh, argv[0]);
    static kaal_shell_component_t list[PS_MAX];
    size_t n = get_components(sh, list);
    kaal_shell_printf(sh, "%-16s %6s\r\n", "NAME", "CAPS");
    for (size_t i = 0; i < n; i++)
        kaal_shell_printf(sh, "%-16.31s %6u\r\n", list[i].name, (unsigned)list[i].n_caps);
    return 0;
}

static void shell_putc(void *ctx, char c)
{
    if (c == '\n')
        kaal_shell_printf(ctx, "\r");
    kaal_shell_printf(ctx, "%c", c);
}

static int cmd_lspci(kaal_shell_t *sh, int argc, char **argv)
{
    (void)argc;
    const kaal_device_list_t *list;
    if (sh->sys == NULL || sh->sys->devices == NULL ||
        (list = sh->sys->devices(sh->sys->ctx)) == NULL)
        return not_available(sh, argv[0]);
    /* One line per PCI device, as lspci has it; the broker's ISA table
     * entries are not PCI functions. */
    for (size_t i = 0; i < list->n_devices; i++) {
        if (list->devices[i].bus != KAAL_BUS_PCI)
            continue;
        kaal_pci_print_line(&list->devices[i], shell_putc, sh);
        kaal_shell_printf(sh, "\r\n");
    }
    if (list->n_dropped)
        kaal_shell_printf(sh, "(%lu more devices did not fit)\r\n", (unsigned long)list->n_dropped);
    return 0;
}

static int cmd_mem(kaal_shell_t *sh, int argc, char **argv)
{
    (void)argc;
    if (sh->sys == NULL || sh->sys->mem == NULL)
        return not_available(sh, argv[0]);
    kaal_shell_mem_t m;
    memset(&m, 0, sizeof(m));
    kaal_error_t err = sh->sys->mem(sh->sys->ctx, &m);
    if (err != KAAL_OK)
        return failed(sh, argv[0], err);
    kaal_shell_printf(sh, "untyped: %llu KiB free of %llu KiB\r\n",
                      (unsigned long long)(m.untyped_free_bytes / 1024),
                      (unsigned long long)(m.untyped_total_bytes / 1024));
    kaal_shell_printf(sh, "heap:    %llu KiB used of %llu KiB\r\n",
                      (unsigned long long)(m.heap_used_bytes / 1024),
                      (unsigned long long)(m.heap_total_bytes / 1024));
    return 0;
}

static int cmd_uptime(kaal_shell_t *sh, int argc, char **argv)
{
    (void)argc;
    if (sh->sys == NULL || sh->sys->uptime_ns == NULL)
        return not_available(sh, argv[0]);
    uint64_t ms = sh->sys->uptime_ns(sh->sys->ctx) / 1000000u;
    uint64_t s = ms / 1000;
    kaal_shell_printf(sh, "up %llu:%02llu:%02llu.%03llu\r\n", (unsigned long long)(s / 3600),
                      (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60),
                      (unsigned long long)(ms % 1000));
    return 0;
}

#define SLEEP_MAX_MS 86400000ull /* one day */

/* "MS": decimal digits only, 1..SLEEP_MAX_MS; false for anything else. */
static bool parse_ms(const char *s, uint64_t *ms)
{
    uint64_t v = 0;
    if (*s == 0)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > SLEEP_MAX_MS)
            return false;
    }
    *ms = v;
    return v > 0;
}

static int cmd_sleep(kaal_shell_t *sh, int argc, char **argv)
{
    (void)argc;
    if (sh->sys == NULL || sh->sys->sleep_ns == NULL)
        return not_available(sh, argv[0]);
    uint64_t ms;
    if (!parse_ms(argv[1], &ms)) {
        kaal_shell_printf(sh, "%s: '%s' is not a number of milliseconds (1..%llu)\r\n", argv[0],
                          argv[1], (unsigned long long)SLEEP_MAX_MS);
        return 2;
    }
    kaal_error_t err = sh->sys->sleep_ns(sh->sys->ctx, ms * 1000000u);
    return err == KAAL_OK ? 0 : failed(sh, argv[0], err);
}

static int cmd_date(kaal_shell_t *sh, int argc, char **argv)
{
    (void)argc;
    if (sh->sys == NULL || sh->sys->date == NULL)
        return not_available(sh, argv[0]);
    kaal_shell_date_t d;
    memset(&d, 0, sizeof(d));
    kaal_error_t err = sh->sys->date(sh->sys->ctx, &d);
    if (err != KAAL_OK)
        return failed(sh, argv[0], err);
    kaal_shell_printf(sh, "%04u-%02u-%02u %02u:%02u:%02u\r\n", d.year, d.month, d.day, d.hour,
                      d.minute, d.second);
    return 0;
}

static int lifecycle(kaal_shell_t *sh, char **argv, kaal_shell_lifecycle_t op, const char *done)
{
    if (sh->sys == NULL || sh->sys->lifecycle == NULL)
        return not_available(sh, argv[0]);
    kaal_error_t err = sh->sys->lifecycle(sh->sys->ctx, op, argv[1]);
    if (err == KAAL_ENOENT) {
        kaal_shell_printf(sh, "%s: no component '%s'\r\n", argv[0], argv[1]);
        return 1;
    }
    if (err != KAAL_OK)
        return failed(sh, argv[0], err);
    kaal_shell_printf(sh, "%s %s\r\n", argv[1], done);
    return 0;
}

static int cmd_start(kaal_shell_t *sh, int argc, char **argv)
{
    (void)argc;
    return lifecycle(sh, argv, KAAL_SHELL_START, "started");
}

static int cmd_stop(kaal_shell_t *sh, int argc, char **argv)
{
    (void)argc;
    return lifecycle(sh, argv, KAAL_SHELL_STOP, "stopped");
}

static int cmd_restart(kaal_shell_t *sh, int argc, char **argv)
{
    (void)argc;
    return lifecycle(sh, argv, KAAL_SHELL_RESTART, "restarted");
}

static int cmd_kill(kaal_shell_t *sh, int argc, char **argv)
{
    (void)argc;
    return lifecycle(sh, argv, KAAL_SHELL_KILL, "killed");
}

static int cmd_poweroff(kaal_shell_t *sh, int argc, char **argv)
{
    (void)argc;
    if (sh->sys == NULL || sh->sys->poweroff == NULL)
        return not_available(sh, argv[0]);
    kaal_shell_printf(sh, "powering off\r\n");
    kaal_shell_flush(sh); /* the machine may be gone after the call */
    return failed(sh, argv[0], sh->sys->poweroff(sh->sys->ctx));
}

static int cmd_crash(kaal_shell_t *sh, int argc, char **argv)
{
    if (sh->sys == NULL || sh->sys->crash == NULL)
        return not_available(sh, argv[0]);
    const char *name = argc > 1 ? argv[1] : NULL;
    kaal_error_t err = sh->sys->crash(sh->sys->ctx, name);
    if (err == KAAL_ENOENT && name != NULL) {
        kaal_shell_printf(sh, "%s: no component '%s'\r\n", argv[0], name);
        return 1;
    }
    return err == KAAL_OK ? 0 : failed(sh, argv[0], err);
}

const kaal_shell_cmd_t kaal_shell_commands[] = {
    {"help", "", "list the commands", 0, 0, cmd_help},
    {"echo", "[WORD...]", "print the words (> FILE, >> FILE: into FILE)", 0, KAAL_SHELL_MAX_ARGS, cmd_echo},
    {"ps", "", "components: name, state, priority, restarts", 0, 0, cmd_ps},
    {"lspci", "", "PCI devices the broker found", 0, 0, cmd_lspci},
    {"mem", "", "untyped memory and heap use", 0, 0, cmd_mem},
    {"caps", "", "capabilities per component", 0, 0, cmd_caps},
    {"uptime", "", "time since boot", 0, 0, cmd_uptime},
    {"date", "", "date and time from the RTC", 0, 0, cmd_date},
    {"sleep", "MS", "wait MS milliseconds (the timer component)", 1, 1, cmd_sleep},
    {"start", "NAME", "start a stopped component", 1, 1, cmd_start},
    {"stop", "NAME", "stop a component", 1, 1, cmd_stop},
    {"restart", "NAME", "stop and start a component", 1, 1, cmd_restart},
    {"kill", "NAME", "stop a component at once, no clean-up", 1, 1, cmd_kill},
    {"poweroff", "", "switch the machine off (ACPI S5)", 0, 0, cmd_poweroff},
    {"crash", "[NAME]", "make a component fault (demo)", 0, 1, cmd_crash},
    {"ls", "[PATH]", "list a directory", 0, 1, kaal_shell_cmd_ls},
    {"cat", "FILE...", "print files", 1, KAAL_SHELL_MAX_ARGS, kaal_shell_cmd_cat},
    {"write", "FILE [WORD...]", "write the words and a newline to FILE", 1, KAAL_SHELL_MAX_ARGS,
     kaal_shell_cmd_write},
    {"mkdir", "DIR...", "make directories", 1, KAAL_SHELL_MAX_ARGS, kaal_shell_cmd_mkdir},
    {"rm", "FILE...", "remove files", 1, KAAL_SHELL_MAX_ARGS, kaal_shell_cmd_rm},
    {"rmdir", "DIR...", "remove empty directories", 1, KAAL_SHELL_MAX_ARGS, kaal_shell_cmd_rmdir},
    {"stat", "PATH...", "type, size, mode, inode of files", 1, KAAL_SHELL_MAX_ARGS,
     kaal_shell_cmd_stat},
    {"df", "[PATH]", "size and free space of a file system", 0, 1, kaal_shell_cmd_df},
    {"cd", "[DIR]", "change the working directory (default /)", 0, 1, kaal_shell_cmd_cd},
    {"pwd", "", "print the working directory", 0, 0, kaal_shell_cmd_pwd},
};

const size_t kaal_shell_n_commands = sizeof(kaal_shell_commands) / sizeof(kaal_shell_commands[0]);
