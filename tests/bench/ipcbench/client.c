// SPDX-License-Identifier: BSD-2-Clause
/*
 * IPC benchmark client. Each figure is the median of SAMPLES single
 * operations timed with rdtsc (guest TSC cycles):
 *   call_rt        seL4_Call to the server in another address space and its
 *                  seL4_ReplyRecv answer (two switches, two CR3 writes)
 *   yield          seL4_Yield with no other runnable thread (null syscall)
 *   signal_wait    seL4_Signal then seL4_Wait on our own notification
 * Prints `ipcbench: <name> <cycles>` lines, then exits.
 */
#include <kaal/runtime.h>
#include <kaal/stdio.h>

#include "client_caps.h"

#define SAMPLES 10000

static uint64_t samples[SAMPLES];

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t median(void)
{
    /* Shell sort: 10000 samples, no libc. */
    for (int gap = SAMPLES / 2; gap > 0; gap /= 2)
        for (int i = gap; i < SAMPLES; i++)
            for (int j = i; j >= gap && samples[j - gap] > samples[j]; j -= gap) {
                uint64_t t = samples[j];
                samples[j] = samples[j - gap];
                samples[j - gap] = t;
            }
    return samples[SAMPLES / 2];
}

int main(void)
{
    for (int i = 0; i < SAMPLES; i++) {
        seL4_SetMR(0, (seL4_Word)i);
        uint64_t t0 = rdtsc();
        seL4_Call(KAAL_CAP_SERVER, seL4_MessageInfo_new(0, 0, 0, 1));
        samples[i] = rdtsc() - t0;
    }
    printf("ipcbench: call_rt %lu\n", (unsigned long)median());

    for (int i = 0; i < SAMPLES; i++) {
        uint64_t t0 = rdtsc();
        seL4_Yield();
        samples[i] = rdtsc() - t0;
    }
    printf("ipcbench: yield %lu\n", (unsigned long)median());

    for (int i = 0; i < SAMPLES; i++) {
        seL4_Word badge;
        uint64_t t0 = rdtsc();
        seL4_Signal(KAAL_CAP_NOTE);
        seL4_Wait(KAAL_CAP_NOTE, &badge);
        samples[i] = rdtsc() - t0;
    }
    printf("ipcbench: signal_wait %lu\n", (unsigned long)median());
    return 0;
}
