/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The KaaL shell's core (services/shell/): a line editor fed one byte at a
 * time, a tokenizer, and a command table whose system commands call out to
 * kaal_shell_system_ops_t (implemented by init and the broker in the guest,
 * by fakes in host tests). Output goes through a write callback; nothing
 * here blocks, allocates or needs the kernel, so the same code runs in the
 * shell component and in host tests.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/devices.h>
#include <kaal/error.h>
#include <kaal/vfs.h>

#define KAAL_SHELL_PROMPT "kaal> "
#define KAAL_SHELL_LINE_MAX 128 /* bytes of a line, its NUL included */
#define KAAL_SHELL_HISTORY 16   /* lines remembered */
#define KAAL_SHELL_MAX_ARGS 16

/* Where output bytes go (the console channel, or a test's screen). */
typedef void (*kaal_shell_write_fn)(void *ctx, const char *bytes, size_t n);

/* ---- line editor ----------------------------------------------------------- */

typedef enum {
    KAAL_LINE_EDITING = 0, /* keep feeding */
    KAAL_LINE_READY,       /* Enter: kaal_lineedit_line() is the line */
    KAAL_LINE_CANCELLED,   /* Ctrl-C: the line was dropped */
} kaal_line_status_t;

/* Invariants (checked by the fuzz target): len < KAAL_SHELL_LINE_MAX,
 * line[len] == 0, line holds printable ASCII only, hist_pos <= hist_count
 * <= KAAL_SHELL_HISTORY, and the screen line is the prompt followed by line. */
typedef struct kaal_lineedit {
    char line[KAAL_SHELL_LINE_MAX];
    size_t len;
    char done[KAAL_SHELL_LINE_MAX]; /* the last completed line */
    uint8_t esc;                    /* escape-sequence parser state */
    uint8_t esc_len;                /* bytes of the current sequence */
    bool last_was_cr;               /* swallow the LF of a CR LF */
    char history[KAAL_SHELL_HISTORY][KAAL_SHELL_LINE_MAX];
    unsigned hist_count;             /* entries held */
    unsigned hist_newest;            /* slot of the newest entry */
    unsigned hist_pos;               /* 0: the new line; k: the k-th newest entry */
    char draft[KAAL_SHELL_LINE_MAX]; /* the new line while browsing history */
    kaal_shell_write_fn write;
    void *ctx;
} kaal_lineedit_t;

void kaal_lineedit_init(kaal_lineedit_t *le, kaal_shell_write_fn write, void *ctx);
/* Feeds one input byte: printable ASCII is inserted and echoed; CR or LF
 * ends the line; backspace (0x08) and DEL (0x7f) erase one character;
 * Ctrl-C (0x03) drops the line; Ctrl-U (0x15) erases it; ESC [ A / ESC [ B
 * (and ESC O A / B) walk the history. Other bytes are ignored; a full line
 * rings the bell. */
kaal_line_status_t kaal_lineedit_feed(kaal_lineedit_t *le, uint8_t byte);
/* The line completed by the last KAAL_LINE_READY. */
const char *kaal_lineedit_line(const kaal_lineedit_t *le);

/* ---- tokenizer --------------------------------------------------------------- */

typedef struct kaal_shell_tokens_ret {
    kaal_error_t err; /* KAAL_EFORMAT: unterminated quote; KAAL_ERANGE: too many words */
    int argc;
} kaal_shell_tokens_ret_t;

/* Splits line in place into words separated by blanks. '...' is literal;
 * "..." allows \" and \\; outside quotes a backslash takes the next
 * character literally. Quotes join with adjacent text (a"b c"d is one
 * word) and "" is an empty word. */
kaal_shell_tokens_ret_t kaal_shell_tokenize(char *line, char **argv, int max_args);

/* ---- what the system provides -------------------------------------------- */

typedef struct kaal_shell_component {
    char name[32];
    const char *state; /* "running", "stopped", "faulted", ... */
    uint8_t priority;
    uint32_t restarts;
    uint32_t n_caps;
} kaal_shell_component_t;

typedef struct kaal_shell_mem {
    uint64_t untyped_total_bytes, untyped_free_bytes;
    uint64_t heap_total_bytes, heap_used_bytes;
} kaal_shell_mem_t;

typedef struct kaal_shell_date {
    uint16_t year;
    uint8_t month, day, hour, minute, second;
} kaal_shell_date_t;

typedef enum {
    KAAL_SHELL_START = 1,
    KAAL_SHELL_STOP,
    KAAL_SHELL_RESTART,
    KAAL_SHELL_KILL,
} kaal_shell_lifecycle_t;

/* The file system the file commands (ls, cat, mkdir, rm, rmdir, write,
 * echo > FILE, stat, df, cd, pwd) work on: the VFS server's client calls
 * in the guest (<kaal/vfs_client.h>), the VFS library in host tests. Every
 * member returns what the POSIX call returns, or a negative Linux errno
 * (-LINUX_ENOENT, <kaal/linux_errno.h>); flags and modes are Linux's. All
 * members must be set. */
typedef struct kaal_shell_fs_ops {
    void *ctx;
    int (*open)(void *ctx, const char *path, int flags, vfs_mode_t mode);
    int (*close)(void *ctx, int fd);
    int64_t (*read)(void *ctx, int fd, void *buf, size_t n_bytes);
    int64_t (*write)(void *ctx, int fd, const void *buf, size_t n_bytes);
    int64_t (*getdents64)(void *ctx, int fd, void *buf, size_t n_bytes);
    int (*stat)(void *ctx, const char *path, struct vfs_stat *st);
    int (*mkdir)(void *ctx, const char *path, vfs_mode_t mode);
    int (*unlink)(void *ctx, const char *path);
    int (*rmdir)(void *ctx, const char *path);
    int (*statfs)(void *ctx, const char *path, struct vfs_statfs *st);
    int (*chdir)(void *ctx, const char *path);
    /* Like kaal_vfs_getcwd: writes the cwd and its NUL. */
    int (*getcwd)(void *ctx, char *buf, size_t n_bytes);
} kaal_shell_fs_ops_t;

/* Each member may be NULL: the command then says it is not available. */
typedef struct kaal_shell_system_ops {
    void *ctx;
    /* Fills up to max entries; returns how many components there are. */
    size_t (*components)(void *ctx, kaal_shell_component_t *out, size_t max);
    const kaal_device_list_t *(*devices)(void *ctx);
    kaal_error_t (*mem)(void *ctx, kaal_shell_mem_t *out);
    uint64_t (*uptime_ns)(void *ctx);
    /* Blocks for at least ns nanoseconds (the timer component). */
    kaal_error_t (*sleep_ns)(void *ctx, uint64_t ns);
    kaal_error_t (*date)(void *ctx, kaal_shell_date_t *out);
    /* KAAL_ENOENT: no such component. */
    kaal_error_t (*lifecycle)(void *ctx, kaal_shell_lifecycle_t op, const char *name);
    /* Returns only if powering off failed. */
    kaal_error_t (*poweroff)(void *ctx);
    /* Makes component `name` fault on purpose (NULL: the demo component). */
    kaal_error_t (*crash)(void *ctx, const char *name);
    /* The file commands' file system (NULL: they are not available). */
    const kaal_shell_fs_ops_t *fs;
} kaal_shell_system_ops_t;

/* ---- the shell ------------------------------------------------------------- */

#define KAAL_SHELL_OUT_BYTES 128

typedef struct kaal_shell {
    kaal_lineedit_t le;
    const kaal_shell_system_ops_t *sys;
    kaal_shell_write_fn write;
    void *ctx;
    char out[KAAL_SHELL_OUT_BYTES]; /* output not yet written */
    size_t out_len;
    int last_status; /* of the last command: 0 ok */
    unsigned n_commands_run;
} kaal_shell_t;

typedef int (*kaal_shell_cmd_fn)(kaal_shell_t *sh, int argc, char **argv);

typedef struct kaal_shell_cmd {
    const char *name;
    const char *args; /* for usage lines: "NAME", "[WORD...]" */
    const char *help;
    uint8_t min_args, max_args; /* words after the name */
    kaal_shell_cmd_fn run;
} kaal_shell_cmd_t;

/* The command table (services/shell/commands.c). */
extern const kaal_shell_cmd_t kaal_shell_commands[];
extern const size_t kaal_shell_n_commands;

void kaal_shell_init(kaal_shell_t *sh, kaal_shell_write_fn write, void *ctx,
                     const kaal_shell_system_ops_t *sys);
/* Prints the first prompt. */
void kaal_shell_start(kaal_shell_t *sh);
/* Feeds input bytes; runs a command when a line is complete. */
void kaal_shell_feed(kaal_shell_t *sh, const void *bytes, size_t n);
/* Tokenizes and runs one line (no prompt); returns its status. */
int kaal_shell_run_line(kaal_shell_t *sh, const char *line);
/* Output for commands (flushed at the end of every feed). */
void kaal_shell_printf(kaal_shell_t *sh, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void kaal_shell_flush(kaal_shell_t *sh);
