/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCB, IRQ and I/O port invocation stubs, libsel4's names, argument orders
 * and message layouts for classic (non-MCS) x86_64, plus
 * seL4_DebugNameThread. KaaL extensions: KAAL_TCBFlag_ForeignABI and
 * KAAL_TCBFlag_NoDebugSyscalls for seL4_TCB_SetFlags
 * (docs/sel4-deviations.md).
 */
#pragma once

#include <sel4/client.h>
#include <sel4/faults.h>

typedef struct seL4_UserContext_ {
    seL4_Word rip, rsp, rflags, rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13,
        r14, r15;
    seL4_Word fs_base, gs_base;
} seL4_UserContext;

#define KAAL_TCBFlag_ForeignABI (1ul << 32)
/* The debug system calls are UnknownSyscall faults for the thread. Set
 * only: clearing it is ignored; TCBs the thread retypes inherit it. */
#define KAAL_TCBFlag_NoDebugSyscalls (1ul << 33)

typedef struct seL4_TCB_SetFlags {
    int error;
    seL4_Word flags;
} seL4_TCB_SetFlags_t;

typedef struct seL4_X86_IOPort_In8 { int error; seL4_Uint8 result; } seL4_X86_IOPort_In8_t;
typedef struct seL4_X86_IOPort_In16 { int error; seL4_Uint16 result; } seL4_X86_IOPort_In16_t;
typedef struct seL4_X86_IOPort_In32 { int error; seL4_Uint32 result; } seL4_X86_IOPort_In32_t;

static inline seL4_Error seL4_TCB_ReadRegisters(seL4_TCB _service, seL4_Bool suspend_source,
                                                seL4_Uint8 arch_flags, seL4_Word count,
                                                seL4_UserContext *regs)
{
    seL4_Word mr[4] = { (suspend_source & 1) | ((seL4_Word)arch_flags << 8), count, 0, 0 };
    seL4_MessageInfo_t out =
        seL4__invoke(_service, seL4_MessageInfo_new(TCBReadRegisters, 0, 0, 2), mr);
    seL4_Error e = seL4__invoke_result(out, mr);
    if (e == seL4_NoError) {
        seL4_Word *w = (seL4_Word *)regs;
        for (seL4_Word i = 0; i < count && i < 20; i++)
            w[i] = i < 4 ? mr[i] : seL4_GetMR((int)i);
    }
    return e;
}

static inline seL4_Error seL4_TCB_WriteRegisters(seL4_TCB _service, seL4_Bool resume_target,
                                                 seL4_Uint8 arch_flags, seL4_Word count,
                                                 seL4_UserContext *regs)
{
    /* As libsel4: the message always has room for the whole context (22
     * words) and the kernel checks count against that; only the registers
     * below count are copied (libsel4 copies count, past the struct too). */
    const seL4_Word *w = (const seL4_Word *)regs;
    for (seL4_Word i = 2; i < count && i < 20; i++)
        seL4_SetMR((int)i + 2, w[i]);
    return seL4__simple_call(_service, TCBWriteRegisters, 0, 22,
                             (resume_target & 1) | ((seL4_Word)arch_flags << 8), count, w[0],
                             w[1]);
}

static inline seL4_Error seL4_TCB_CopyRegisters(seL4_TCB _service, seL4_TCB source,
                                                seL4_Bool suspend_source, seL4_Bool resume_target,
                                                seL4_Bool transfer_frame,
                                                seL4_Bool transfer_integer, seL4_Uint8 arch_flags)
{
    seL4_SetCap(0, source);
    return seL4__simple_call(_service, TCBCopyRegisters, 1, 1,
                             (suspend_source & 1) | ((resume_target & 1) << 1) |
                                 ((transfer_frame & 1) << 2) | ((transfer_integer & 1) << 3) |
                                 ((seL4_Word)arch_flags << 8),
                             0, 0, 0);
}

static inline seL4_Error seL4_TCB_Configure(seL4_TCB _service, seL4_Word fault_ep,
                                            seL4_CNode cspace_root, seL4_Word cspace_root_data,
                                            seL4_CPtr vspace_root, seL4_Word vspace_root_data,
                                            seL4_Word buffer, seL4_CPtr bufferFrame)
{
    seL4_SetCap(0, cspace_root);
    seL4_SetCap(1, vspace_root);
    seL4_SetCap(2, bufferFrame);
    return seL4__simple_call(_service, TCBConfigure, 3, 4, fault_ep, cspace_root_data,
                             vspace_root_data, buffer);
}

static inline seL4_Error seL4_TCB_SetPriority(seL4_TCB _service, seL4_TCB authority,
                                              seL4_Word priority)
{
    seL4_SetCap(0, authority);
    return seL4__simple_call(_service, TCBSetPriority, 1, 1, priority, 0, 0, 0);
}

static inline seL4_Error seL4_TCB_SetMCPriority(seL4_TCB _service, seL4_TCB authority,
                                                seL4_Word mcp)
{
    seL4_SetCap(0, authority);
    return seL4__simple_call(_service, TCBSetMCPriority, 1, 1, mcp, 0, 0, 0);
}

static inline seL4_Error seL4_TCB_SetSchedParams(seL4_TCB _service, seL4_TCB authority,
                                                 seL4_Word mcp, seL4_Word priority)
{
    seL4_SetCap(0, authority);
    return seL4__simple_call(_service, TCBSetSchedParams, 1, 2, mcp, priority, 0, 0);
}

static inline seL4_Error seL4_TCB_SetIPCBuffer(seL4_TCB _service, seL4_Word buffer,
                                               seL4_CPtr bufferFrame)
{
    seL4_SetCap(0, bufferFrame);
    return seL4__simple_call(_service, TCBSetIPCBuffer, 1, 1, buffer, 0, 0, 0);
}

static inline seL4_Error seL4_TCB_SetSpace(seL4_TCB _service, seL4_Word fault_ep,
                                           seL4_CNode cspace_root, seL4_Word cspace_root_data,
                                           seL4_CPtr vspace_root, seL4_Word vspace_root_data)
{
    seL4_SetCap(0, cspace_root);
    seL4_SetCap(1, vspace_root);
    return seL4__simple_call(_service, TCBSetSpace, 2, 3, fault_ep, cspace_root_data,
                             vspace_root_data, 0);
}

static inline seL4_Error seL4_TCB_Suspend(seL4_TCB _service)
{
    return seL4__simple_call(_service, TCBSuspend, 0, 0, 0, 0, 0, 0);
}

static inline seL4_Error seL4_TCB_Resume(seL4_TCB _service)
{
    return seL4__simple_call(_service, TCBResume, 0, 0, 0, 0, 0, 0);
}

static inline seL4_Error seL4_TCB_BindNotification(seL4_TCB _service, seL4_CPtr notification)
{
    seL4_SetCap(0, notification);
    return seL4__simple_call(_service, TCBBindNotification, 1, 0, 0, 0, 0, 0);
}

static inline seL4_Error seL4_TCB_UnbindNotification(seL4_TCB _service)
{
    return seL4__simple_call(_service, TCBUnbindNotification, 0, 0, 0, 0, 0, 0);
}

static inline seL4_Error seL4_TCB_SetTLSBase(seL4_TCB _service, seL4_Word tls_base)
{
    return seL4__simple_call(_service, TCBSetTLSBase, 0, 1, tls_base, 0, 0, 0);
}

static inline seL4_TCB_SetFlags_t seL4_TCB_SetFlags(seL4_TCB _service, seL4_Word clear,
                                                    seL4_Word set)
{
    seL4_TCB_SetFlags_t r;
    seL4_Word mr[4] = { clear, set, 0, 0 };
    seL4_MessageInfo_t out = seL4__invoke(_service, seL4_MessageInfo_new(TCBSetFlags, 0, 0, 2), mr);
    r.error = (int)seL4__invoke_result(out, mr);
    r.flags = mr[0];
    return r;
}

static inline void seL4_DebugNameThread(seL4_CPtr tcb, const char *name)
{
    char *dst = (char *)seL4_GetIPCBuffer()->msg;
    seL4_Word i;
    for (i = 0; i < sizeof(seL4_GetIPCBuffer()->msg) - 1 && name[i]; i++)
        dst[i] = name[i];
    dst[i] = 0;
    seL4_Word u0 = 0, u1 = 0, u2 = 0, u3 = 0, u4 = 0, u5 = 0;
    x64_sys_send_recv(seL4_SysDebugNameThread, tcb, &u0, 0, &u1, &u2, &u3, &u4, &u5);
}

/* ---- IRQs ---- */

/* The generic Get: on x86 every IRQ is an IOAPIC pin or an MSI, so the
 * kernel answers seL4_IllegalOperation (as seL4 pc99 does). */
static inline seL4_Error seL4_IRQControl_Get(seL4_IRQControl _service, seL4_Word irq,
                                             seL4_CNode root, seL4_Word index, seL4_Uint8 depth)
{
    seL4_SetCap(0, root);
    return seL4__simple_call(_service, IRQIssueIRQHandler, 1, 3, irq, index, depth & 0xff, 0);
}

static inline seL4_Error seL4_IRQControl_GetIOAPIC(seL4_IRQControl _service, seL4_CNode root,
                                                   seL4_Word index, seL4_Uint8 depth,
                                                   seL4_Word ioapic, seL4_Word pin,
                                                   seL4_Word level, seL4_Word polarity,
                                                   seL4_Word vector)
{
    seL4_SetCap(0, root);
    seL4_SetMR(4, level);
    seL4_SetMR(5, polarity);
    seL4_SetMR(6, vector);
    return seL4__simple_call(_service, X86IRQIssueIRQHandlerIOAPIC, 1, 7, index, depth & 0xff,
                             ioapic, pin);
}

static inline seL4_Error seL4_IRQControl_GetMSI(seL4_IRQControl _service, seL4_CNode root,
                                                seL4_Word index, seL4_Uint8 depth,
                                                seL4_Word pci_bus, seL4_Word pci_dev,
                                                seL4_Word pci_func, seL4_Word handle,
                                                seL4_Word vector)
{
    seL4_SetCap(0, root);
    seL4_SetMR(4, pci_func);
    seL4_SetMR(5, handle);
    seL4_SetMR(6, vector);
    return seL4__simple_call(_service, X86IRQIssueIRQHandlerMSI, 1, 7, index, depth & 0xff,
                             pci_bus, pci_dev);
}

static inline seL4_Error seL4_IRQHandler_Ack(seL4_IRQHandler _service)
{
    return seL4__simple_call(_service, IRQAckIRQ, 0, 0, 0, 0, 0, 0);
}

static inline seL4_Error seL4_IRQHandler_SetNotification(seL4_IRQHandler _service,
                                                         seL4_CPtr notification)
{
    seL4_SetCap(0, notification);
    return seL4__simple_call(_service, IRQSetIRQHandler, 1, 0, 0, 0, 0, 0);
}

static inline seL4_Error seL4_IRQHandler_Clear(seL4_IRQHandler _service)
{
    return seL4__simple_call(_service, IRQClearIRQHandler, 0, 0, 0, 0, 0, 0);
}

/* ---- I/O ports ---- */

static inline seL4_Error seL4_X86_IOPortControl_Issue(seL4_X86_IOPortControl _service,
                                                      seL4_Word first_port, seL4_Word last_port,
                                                      seL4_CNode root, seL4_Word index,
                                                      seL4_Uint8 depth)
{
    seL4_SetCap(0, root);
    return seL4__simple_call(_service, X86IOPortControlIssue, 1, 4, first_port, last_port,
                             index, depth & 0xff);
}

static inline seL4_Word seL4__ioport_in(seL4_X86_IOPort _service, seL4_Word label,
                                        seL4_Uint16 port, int *error)
{
    seL4_Word mr[4] = { port, 0, 0, 0 };
    seL4_MessageInfo_t out = seL4__invoke(_service, seL4_MessageInfo_new(label, 0, 0, 1), mr);
    *error = (int)seL4__invoke_result(out, mr);
    return mr[0];
}

static inline seL4_X86_IOPort_In8_t seL4_X86_IOPort_In8(seL4_X86_IOPort _service, seL4_Uint16 port)
{
    seL4_X86_IOPort_In8_t r;
    r.result = (seL4_Uint8)seL4__ioport_in(_service, X86IOPortIn8, port, &r.error);
    return r;
}

static inline seL4_X86_IOPort_In16_t seL4_X86_IOPort_In16(seL4_X86_IOPort _service,
                                                          seL4_Uint16 port)
{
    seL4_X86_IOPort_In16_t r;
    r.result = (seL4_Uint16)seL4__ioport_in(_service, X86IOPortIn16, port, &r.error);
    return r;
}

static inline seL4_X86_IOPort_In32_t seL4_X86_IOPort_In32(seL4_X86_IOPort _service,
                                                          seL4_Uint16 port)
{
    seL4_X86_IOPort_In32_t r;
    r.result = (seL4_Uint32)seL4__ioport_in(_service, X86IOPortIn32, port, &r.error);
    return r;
}

static inline seL4_Error seL4_X86_IOPort_Out8(seL4_X86_IOPort _service, seL4_Word port,
                                              seL4_Word data)
{
    return seL4__simple_call(_service, X86IOPortOut8, 0, 2, port, data, 0, 0);
}

static inline seL4_Error seL4_X86_IOPort_Out16(seL4_X86_IOPort _service, seL4_Word port,
                                               seL4_Word data)
{
    return seL4__simple_call(_service, X86IOPortOut16, 0, 2, port, data, 0, 0);
}

static inline seL4_Error seL4_X86_IOPort_Out32(seL4_X86_IOPort _service, seL4_Word port,
                                               seL4_Word data)
{
    return seL4__simple_call(_service, X86IOPortOut32, 0, 2, port, data, 0, 0);
}
