// SPDX-License-Identifier: BSD-2-Clause
/*
 * The cost of the cheapest syscall through the POSIX server: getppid in a
 * loop, timed with the TSC (cycles per call, the median of 11 runs of
 * 1000), printed as "getppid: N cycles".
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <x86intrin.h>

static int cmp(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return x < y ? -1 : x > y;
}

int main(void)
{
    unsigned long runs[11];
    for (int r = 0; r < 11; r++) {
        unsigned long t0 = __rdtsc();
        for (int i = 0; i < 1000; i++)
            getppid();
        runs[r] = (__rdtsc() - t0) / 1000;
    }
    qsort(runs, 11, sizeof(runs[0]), cmp);
    printf("getppid: %lu cycles\n", runs[5]);
    return 0;
}
