/* SPDX-License-Identifier: BSD-2-Clause */
/* The program itself dies of a signal, after a line of output: the harness
 * must see the same status on both sides (sh's $? is 128 + N) and the
 * output written before the death. SIGSEGV from a real fault, so the
 * signal comes from the hardware path, not from kill. */
#include "common.h"

int killed_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    start();
    say("before the fault");
    int *volatile bad = (int *)24;
    *bad = 1;
    say("after the fault (never printed)");
    return 0;
}
