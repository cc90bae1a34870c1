/* SPDX-License-Identifier: BSD-2-Clause */
/* The shell's file commands (files.c), for the command table in
 * commands.c. Internal to services/shell/. */
#pragma once

#include <stdbool.h>

#include <kaal/shell.h>

int kaal_shell_cmd_ls(kaal_shell_t *sh, int argc, char **argv);
int kaal_shell_cmd_cat(kaal_shell_t *sh, int argc, char **argv);
int kaal_shell_cmd_mkdir(kaal_shell_t *sh, int argc, char **argv);
int kaal_shell_cmd_rm(kaal_shell_t *sh, int argc, char **argv);
int kaal_shell_cmd_rmdir(kaal_shell_t *sh, int argc, char **argv);
int kaal_shell_cmd_write(kaal_shell_t *sh, int argc, char **argv);
int kaal_shell_cmd_stat(kaal_shell_t *sh, int argc, char **argv);
int kaal_shell_cmd_df(kaal_shell_t *sh, int argc, char **argv);
int kaal_shell_cmd_cd(kaal_shell_t *sh, int argc, char **argv);
int kaal_shell_cmd_pwd(kaal_shell_t *sh, int argc, char **argv);
/* `echo WORD... > FILE` (append: `>>`): writes the n words joined by
 * blanks and a newline to path; cmd names the command in error lines. */
int kaal_shell_write_words(kaal_shell_t *sh, const char *cmd, const char *path, char **words,
                           int n, bool append);
/* The message for a Linux errno (positive), "Unknown error" if not known. */
const char *kaal_shell_errno_str(int err);
