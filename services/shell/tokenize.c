// SPDX-License-Identifier: BSD-2-Clause
/* The shell's tokenizer: splits a line into words in place.
 *
 * Model: one pass with a read index r and a write index w <= r; quote and
 * escape characters are dropped, so a word's text is copied down and
 * NUL-terminated where it ends (w <= r always leaves room for the NUL).
 * A word starts at the first non-blank byte, a quote included, so "" is a
 * word of its own; quoted and unquoted parts next to each other join.
 */
#include <kaal/shell.h>

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

kaal_shell_tokens_ret_t kaal_shell_tokenize(char *line, char **argv, int max_args)
{
    kaal_shell_tokens_ret_t ret = {KAAL_OK, 0};
    size_t r = 0, w = 0;
    for (;;) {
        while (is_blank(line[r]))
            r++;
        if (line[r] == '\0')
            break;
        if (ret.argc == max_args) {
            ret.err = KAAL_ERANGE;
            return ret;
        }
        argv[ret.argc++] = &line[w];
        char quote = '\0';
        for (; line[r] != '\0' && (quote != '\0' || !is_blank(line[r])); r++) {
            char c = line[r];
            if (quote == '\0' && (c == '\'' || c == '"')) {
                quote = c;
            } else if (quote != '\0' && c == quote) {
                quote = '\0';
            } else if (c == '\\' && quote != '\'' && line[r + 1] != '\0') {
                line[w++] = line[++r];
            } else {
                line[w++] = c;
            }
        }
        if (quote != '\0') {
            ret.err = KAAL_EFORMAT;
            return ret;
        }
        bool at_end = line[r] == '\0';
        line[w++] = '\0';
        if (at_end)
            break;
        r++;
    }
    return ret;
}
