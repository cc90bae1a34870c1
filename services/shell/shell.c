// SPDX-License-Identifier: BSD-2-Clause
/* The shell: the line editor's completed lines are tokenized and looked up
 * in the command table (commands.c); the command checks nothing but its
 * own arguments, the table entry's min/max argument counts are checked
 * here. Output is buffered (KAAL_SHELL_OUT_BYTES) and handed to the write
 * callback when the buffer fills and at the end of every feed, so a
 * console channel sees a few large writes instead of one per byte.
 *
 * Not thread-safe: one shell component thread owns a kaal_shell_t.
 */
#include <stdarg.h>

#include <kaal/format.h>
#include <kaal/shell.h>
#include <kaal/string.h>

void kaal_shell_flush(kaal_shell_t *sh)
{
    if (sh->out_len > 0 && sh->write != NULL)
        sh->write(sh->ctx, sh->out, sh->out_len);
    sh->out_len = 0;
}

static void out_putc(void *ctx, char c)
{
    kaal_shell_t *sh = ctx;
    if (sh->out_len == sizeof(sh->out))
        kaal_shell_flush(sh);
    sh->out[sh->out_len++] = c;
}

/* The line editor's echo goes through the same buffer, in order. */
static void out_write(void *ctx, const char *bytes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out_putc(ctx, bytes[i]);
}

void kaal_shell_printf(kaal_shell_t *sh, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kaal_vformat(out_putc, sh, fmt, ap);
    va_end(ap);
}

void kaal_shell_init(kaal_shell_t *sh, kaal_shell_write_fn write, void *ctx,
                     const kaal_shell_system_ops_t *sys)
{
    memset(sh, 0, sizeof(*sh));
    sh->write = write;
    sh->ctx = ctx;
    sh->sys = sys;
    kaal_lineedit_init(&sh->le, out_write, sh);
}

void kaal_shell_start(kaal_shell_t *sh)
{
    kaal_shell_printf(sh, "%s", KAAL_SHELL_PROMPT);
    kaal_shell_flush(sh);
}

static const kaal_shell_cmd_t *find_command(const char *name)
{
    for (size_t i = 0; i < kaal_shell_n_commands; i++)
        if (strcmp(kaal_shell_commands[i].name, name) == 0)
            return &kaal_shell_commands[i];
    return NULL;
}

int kaal_shell_run_line(kaal_shell_t *sh, const char *line)
{
    char buf[KAAL_SHELL_LINE_MAX];
    char *argv[KAAL_SHELL_MAX_ARGS + 1];
    size_t n = strnlen(line, sizeof(buf) - 1);
    memcpy(buf, line, n);
    buf[n] = '\0';
    kaal_shell_tokens_ret_t tok = kaal_shell_tokenize(buf, argv, KAAL_SHELL_MAX_ARGS);
    if (tok.err == KAAL_EFORMAT) {
        kaal_shell_printf(sh, "kaal: unterminated quote\r\n");
        return sh->last_status = 2;
    }
    if (tok.err != KAAL_OK) {
        kaal_shell_printf(sh, "kaal: too many words (at most %d)\r\n", KAAL_SHELL_MAX_ARGS);
        return sh->last_status = 2;
    }
    if (tok.argc == 0)
        return sh->last_status = 0;
    argv[tok.argc] = NULL;
    const kaal_shell_cmd_t *cmd = find_command(argv[0]);
    if (cmd == NULL) {
        kaal_shell_printf(sh, "kaal: unknown command '%s' (try 'help')\r\n", argv[0]);
        return sh->last_status = 127;
    }
    int n_args = tok.argc - 1;
    if (n_args < cmd->min_args || n_args > cmd->max_args) {
        kaal_shell_printf(sh, "usage: %s%s%s\r\n", cmd->name, cmd->args[0] ? " " : "", cmd->args);
        return sh->last_status = 2;
    }
    sh->n_commands_run++;
    return sh->last_status = cmd->run(sh, tok.argc, argv);
}

void kaal_shell_feed(kaal_shell_t *sh, const void *bytes, size_t n)
{
    const uint8_t *b = bytes;
    for (size_t i = 0; i < n; i++) {
        kaal_line_status_t st = kaal_lineedit_feed(&sh->le, b[i]);
        if (st == KAAL_LINE_READY)
            kaal_shell_run_line(sh, kaal_lineedit_line(&sh->le));
        if (st != KAAL_LINE_EDITING)
            kaal_shell_printf(sh, "%s", KAAL_SHELL_PROMPT);
    }
    kaal_shell_flush(sh);
}
