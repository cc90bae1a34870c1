/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * x86_64 system-call stubs, seL4 register convention (syscall instruction):
 *   rdx = syscall number (negative, <sel4/syscall.h>)
 *   rdi = capability / badge on return
 *   rsi = seL4_MessageInfo
 *   r10, r8, r9, r15 = message registers 0..3
 * The kernel preserves every other register except rcx and r11, which the
 * syscall instruction itself overwrites. As in libsel4 the stubs keep rsp in
 * rbx across the call.
 */
#pragma once

#include <sel4/types.h>

static inline void x64_sys_send(seL4_Word sys, seL4_Word dest, seL4_Word info, seL4_Word msg0,
                                seL4_Word msg1, seL4_Word msg2, seL4_Word msg3)
{
    register seL4_Word mr0 __asm__("r10") = msg0;
    register seL4_Word mr1 __asm__("r8") = msg1;
    register seL4_Word mr2 __asm__("r9") = msg2;
    register seL4_Word mr3 __asm__("r15") = msg3;
    __asm__ volatile("movq %%rsp, %%rbx\n\tsyscall\n\tmovq %%rbx, %%rsp"
                     :
                     : "d"(sys), "D"(dest), "S"(info), "r"(mr0), "r"(mr1), "r"(mr2), "r"(mr3)
                     : "rbx", "rcx", "r11", "memory");
}

static inline void x64_sys_reply(seL4_Word sys, seL4_Word info, seL4_Word msg0, seL4_Word msg1,
                                 seL4_Word msg2, seL4_Word msg3)
{
    register seL4_Word mr0 __asm__("r10") = msg0;
    register seL4_Word mr1 __asm__("r8") = msg1;
    register seL4_Word mr2 __asm__("r9") = msg2;
    register seL4_Word mr3 __asm__("r15") = msg3;
    __asm__ volatile("movq %%rsp, %%rbx\n\tsyscall\n\tmovq %%rbx, %%rsp"
                     :
                     : "d"(sys), "S"(info), "r"(mr0), "r"(mr1), "r"(mr2), "r"(mr3)
                     : "rbx", "rcx", "r11", "memory");
}

static inline void x64_sys_send_null(seL4_Word sys, seL4_Word dest, seL4_Word info)
{
    __asm__ volatile("movq %%rsp, %%rbx\n\tsyscall\n\tmovq %%rbx, %%rsp"
                     :
                     : "d"(sys), "D"(dest), "S"(info)
                     : "rbx", "rcx", "r11", "memory");
}

static inline void x64_sys_recv(seL4_Word sys, seL4_Word src, seL4_Word *out_badge,
                                seL4_Word *out_info, seL4_Word *out_mr0, seL4_Word *out_mr1,
                                seL4_Word *out_mr2, seL4_Word *out_mr3)
{
    register seL4_Word mr0 __asm__("r10");
    register seL4_Word mr1 __asm__("r8");
    register seL4_Word mr2 __asm__("r9");
    register seL4_Word mr3 __asm__("r15");
    __asm__ volatile("movq %%rsp, %%rbx\n\tsyscall\n\tmovq %%rbx, %%rsp"
                     : "=D"(*out_badge), "=S"(*out_info), "=r"(mr0), "=r"(mr1), "=r"(mr2),
                       "=r"(mr3)
                     : "d"(sys), "D"(src)
                     : "rbx", "rcx", "r11", "memory");
    *out_mr0 = mr0;
    *out_mr1 = mr1;
    *out_mr2 = mr2;
    *out_mr3 = mr3;
}

static inline void x64_sys_send_recv(seL4_Word sys, seL4_Word dest, seL4_Word *out_dest,
                                     seL4_Word info, seL4_Word *out_info, seL4_Word *in_out_mr0,
                                     seL4_Word *in_out_mr1, seL4_Word *in_out_mr2,
                                     seL4_Word *in_out_mr3)
{
    register seL4_Word mr0 __asm__("r10") = *in_out_mr0;
    register seL4_Word mr1 __asm__("r8") = *in_out_mr1;
    register seL4_Word mr2 __asm__("r9") = *in_out_mr2;
    register seL4_Word mr3 __asm__("r15") = *in_out_mr3;
    __asm__ volatile("movq %%rsp, %%rbx\n\tsyscall\n\tmovq %%rbx, %%rsp"
                     : "=S"(*out_info), "+r"(mr0), "+r"(mr1), "+r"(mr2), "+r"(mr3),
                       "=D"(*out_dest)
                     : "d"(sys), "D"(dest), "S"(info)
                     : "rbx", "rcx", "r11", "memory");
    *in_out_mr0 = mr0;
    *in_out_mr1 = mr1;
    *in_out_mr2 = mr2;
    *in_out_mr3 = mr3;
}

static inline void x64_sys_null(seL4_Word sys)
{
    __asm__ volatile("movq %%rsp, %%rbx\n\tsyscall\n\tmovq %%rbx, %%rsp"
                     :
                     : "d"(sys)
                     : "rbx", "rcx", "r11", "memory");
}
