/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The IPC fastpath (kernel/fastpath.c) and the placement attributes that
 * keep the code and data of a Call / ReplyRecv round trip on as few pages
 * as possible. Under QEMU TCG every CR3 write flushes the whole software
 * TLB, so each distinct page touched after an address-space switch costs a
 * page walk: the fast path's code and the syscall entry go to
 * .text.fastpath, the per-CPU state it reads and writes (`kcpu`,
 * <kernel/percpu.h>: scheduler state, TSS, FPU owner, loaded CR3 and FS/GS
 * base, a small entry stack) to .data.hot; the linker script puts each at the start of its output
 * section, so each fits one page.
 */
#pragma once

#include <stdint.h>

#define KERNEL_FASTPATH_TEXT __attribute__((section(".text.fastpath")))
#define KERNEL_HOT_DATA __attribute__((section(".data.hot")))

/* Called by the arch syscall entry before the slow path with the syscall
 * number. Completes a Call or ReplyRecv that meets every fastpath
 * condition and leaves the kernel without returning; returns (having
 * changed nothing) when the slow path must handle the system call. */
void fastpath_syscall(int64_t sysno);

/* thread.c: highest priority with a ready thread, -1 if none. */
int sched_highest_ready_priority(void);
