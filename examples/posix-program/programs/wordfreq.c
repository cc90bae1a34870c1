// SPDX-License-Identifier: BSD-2-Clause
/* wordfreq: an ordinary Linux program (C, musl libc, static) that KaaL's
 * POSIX server runs unmodified. It reads stdin or the files named, counts
 * words, and prints the three most frequent: read, malloc, qsort and
 * printf are Linux system calls underneath (read, brk/mmap, write), each
 * one a fault the POSIX server answers. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct word {
    char *text;
    int count;
};

static struct word *words;
static int n_words, cap_words;

static void add(const char *w)
{
    for (int i = 0; i < n_words; i++)
        if (strcmp(words[i].text, w) == 0) {
            words[i].count++;
            return;
        }
    if (n_words == cap_words) {
        cap_words = cap_words ? 2 * cap_words : 16;
        words = realloc(words, (size_t)cap_words * sizeof(*words));
        if (!words) {
            perror("wordfreq");
            exit(1);
        }
    }
    words[n_words].text = strdup(w);
    words[n_words++].count = 1;
}

static void count(FILE *f)
{
    char w[64];
    int n = 0, c;
    while ((c = getc(f)) != EOF) {
        if (isalnum(c) && n < (int)sizeof(w) - 1) {
            w[n++] = (char)tolower(c);
        } else if (n > 0) {
            w[n] = 0;
            add(w);
            n = 0;
        }
    }
    if (n > 0) {
        w[n] = 0;
        add(w);
    }
}

static int by_count(const void *a, const void *b)
{
    const struct word *x = a, *y = b;
    return x->count != y->count ? y->count - x->count : strcmp(x->text, y->text);
}

int main(int argc, char **argv)
{
    if (argc == 1)
        count(stdin);
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "r");
        if (!f) {
            perror(argv[i]);
            return 1;
        }
        count(f);
        fclose(f);
    }
    qsort(words, (size_t)n_words, sizeof(*words), by_count);
    for (int i = 0; i < n_words && i < 3; i++)
        printf("%s %d\n", words[i].text, words[i].count);
    printf("wordfreq: %d distinct words\n", n_words);
    return 0;
}
