/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The KaaL user-space runtime (libkaal): what a program gets before main()
 * and the small C library it links against instead of libc.
 *
 * A program defines `int main(void)`. For the root task the runtime records
 * the bootinfo (kaal_bootinfo()) and the IPC buffer before main runs; when
 * main returns, kaal_exit() runs with its value.
 */
#pragma once

#include <sel4/sel4.h>

int main(void);

/* The bootinfo the kernel passed to the root task (NULL elsewhere). */
const seL4_BootInfo *kaal_bootinfo(void);

/* Root task only: the cap of the bootinfo's userImageFrames frame holding
 * addr, a byte of the program's own image (.data, .bss); seL4_CapNull for
 * another address or program. For an IPC buffer of another thread. */
seL4_CPtr kaal_root_image_frame(const void *addr);

/* Ends the program. The root task has no parent: it stops the machine,
 * reporting the status on the console. */
_Noreturn void kaal_exit(int status);
