// SPDX-License-Identifier: BSD-2-Clause
/*
 * DDE-Linux in a component: the two C string functions Linux drivers call
 * that libkaal does not have (strcpy, strncpy). Host tests use libc's.
 */
#include <stddef.h>

char *strcpy(char *dst, const char *src);
char *strncpy(char *dst, const char *src, size_t n);

char *strcpy(char *dst, const char *src)
{
    char *d = dst;
    while ((*d++ = *src++) != '\0')
        ;
    return dst;
}

/* C's strncpy: copies at most n bytes and pads with NULs to n. */
char *strncpy(char *dst, const char *src, size_t n)
{
    size_t i = 0;
    for (; i < n && src[i]; i++)
        dst[i] = src[i];
    for (; i < n; i++)
        dst[i] = '\0';
    return dst;
}
