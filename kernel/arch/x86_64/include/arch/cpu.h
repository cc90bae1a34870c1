/* SPDX-License-Identifier: BSD-2-Clause */
/* x86_64 CPU setup and kernel entry/exit, as seen by the rest of arch/. */
#pragma once

#include <stdint.h>
#include <arch/context.h>

struct x86_tss {
    uint32_t reserved0;
    uint64_t rsp0;   /* offset 4: traps.S reads it in syscall_entry */
    uint64_t rsp1, rsp2;
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

void x86_cpu_init(void);
void x86_serial_init(void);

/* traps.S */
_Noreturn void x86_return_to_user(struct x86_frame *frame);
_Noreturn void x86_sysret_to_user(struct x86_frame *frame);
void x86_syscall_entry(void);
extern char x86_vector_table_start[];
extern char kernel_stack_top[], kernel_stack_bottom[], x86_ist_stack_top[];

/* Entry points called from traps.S. */
_Noreturn void x86_user_trap(void);
_Noreturn void x86_user_syscall(void);
_Noreturn void x86_kernel_trap(struct x86_frame *frame);
