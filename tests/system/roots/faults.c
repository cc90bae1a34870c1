// SPDX-License-Identifier: BSD-2-Clause
/*
 * Root tasks that misbehave on purpose, one per kind of user fault, for the
 * system tests: the kernel must report each and keep running. Which fault is
 * chosen at build time (-DFAULT_KIND=...), so each image does one thing.
 */
#include <kaal/runtime.h>
#include <kaal/stdio.h>

#define FAULT_NULL_READ 1
#define FAULT_INVALID_OPCODE 2
#define FAULT_UNKNOWN_SYSCALL 3
#define FAULT_WRITE_READONLY 4

int main(void)
{
    printf("faulting root task: kind %d\n", FAULT_KIND);
    switch (FAULT_KIND) {
    case FAULT_NULL_READ: {
        volatile int *null_ptr;
        __asm__ volatile("" : "=r"(null_ptr) : "0"(0l));
        return *null_ptr;
    }
    case FAULT_INVALID_OPCODE:
        __asm__ volatile("ud2");
        break;
    case FAULT_UNKNOWN_SYSCALL:
        /* A Linux-style write(2): number 1 in rdx is no seL4 syscall. */
        __asm__ volatile("movq $1234, %%rdx\n\tsyscall" : : : "rdx", "rcx", "r11", "memory");
        break;
    case FAULT_WRITE_READONLY: {
        extern char _start[];
        __asm__ volatile("movb $0, (%0)" : : "r"(_start) : "memory");
        break;
    }
    }
    printf("fault kind %d did not stop the thread\n", FAULT_KIND);
    return 1;
}
