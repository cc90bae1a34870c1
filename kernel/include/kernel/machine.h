/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What generic kernel code needs from the architecture/platform: console
 * output, stopping the machine, the physical-memory window.
 */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include <arch/memlayout.h>

/* Exit codes written to the debug-exit device (QEMU exits with 2*code+1). */
#define MACHINE_EXIT_SUCCESS      0
#define MACHINE_EXIT_KERNEL_FAULT 0x7f

void arch_console_putc(char c);
_Noreturn void machine_halt(int exit_code);
/* Prints the kernel call chain starting at frame pointer fp. */
void arch_backtrace(uint64_t fp);

typedef uint64_t paddr_t;
typedef uint64_t vaddr_t;

static inline void *paddr_to_pptr(paddr_t p)
{
    return (void *)(p + PPTR_BASE);
}
static inline paddr_t pptr_to_paddr(const void *v)
{
    return (paddr_t)v - PPTR_BASE;
}
static inline paddr_t kernel_vaddr_to_paddr(const void *v)
{
    return (paddr_t)v - KERNEL_VBASE;
}
