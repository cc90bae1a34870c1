// SPDX-License-Identifier: BSD-2-Clause
/*
 * System-call dispatch by seL4 syscall number. The arch has saved the
 * caller's registers in its TCB; arguments are read from there. Numbers
 * that are not seL4 system calls become UnknownSyscall faults, exactly as
 * seL4 does, so a foreign ABI can be emulated by a fault handler.
 *
 * Call, Send and NBSend invoke a capability (kernel/object/invoke.c): an
 * object invocation, or IPC for endpoint and notification caps. Recv and
 * NBRecv receive on an endpoint or wait on a notification (a cap without
 * the Read right, or another type, is a CapFault in the receive phase);
 * Reply answers through the Caller slot; ReplyRecv is both.
 *
 * Debug system calls (DebugPutChar, DebugHalt, DebugNameThread) exist in
 * seL4 only in debug builds, where handleUnknownSyscall looks at a number
 * that is no seL4 call before making it a fault. handle_debug_syscall()
 * is that step, and the one place that decides whether a thread may make
 * them: not in a kernel built with KAAL_DEBUG_SYSCALLS=0, not for a thread
 * with KAAL_TCBFlag_NoDebugSyscalls. Then the number is an UnknownSyscall
 * fault, as in a seL4 release build (docs/sel4-deviations.md).
 */
#include <kernel/thread.h>
#include <kernel/fault.h>
#include <kernel/invocation.h>
#include <kernel/ipc.h>
#include <kernel/kprintf.h>
#include <kernel/vspace.h>
#include <sel4/syscall.h>
#include <kaal/string.h>

#ifndef KAAL_DEBUG_SYSCALLS
#define KAAL_DEBUG_SYSCALLS 1 /* make KAAL_DEBUG_SYSCALLS=0 leaves them out */
#endif

static void handle_recv(struct tcb *t, bool blocking)
{
    uint64_t cptr = arch_syscall_arg(t, 0);
    lookup_slot_ret_t lu = cspace_lookup_slot(t->slots[TCB_CTABLE].cap, cptr);
    if (lu.status != seL4_NoError) {
        fault_cap(t, cptr, true);
        return;
    }
    cap_t c = lu.slot->cap;
    switch (cap_type(c)) {
    case cap_endpoint_cap:
        if (!(c.rights & CAP_RIGHT_READ))
            break;
        ipc_delete_caller_cap(t);
        ipc_receive(t, c, blocking);
        return;
    case cap_notification_cap: {
        struct notification *n = cap_ptr(c);
        if (!(c.rights & CAP_RIGHT_READ) || (t->bound_ntfn != n && ntfn_is_bound(n)))
            break;
        ntfn_receive(t, c, blocking);
        return;
    }
    default:
        break;
    }
    lookup_fault_missing(0);
    fault_cap(t, cptr, true);
}

#if KAAL_DEBUG_SYSCALLS
static _Noreturn void debug_halt(void)
{
    kprintf("[KaaL] seL4_DebugHalt: stopping the machine\n");
    machine_halt(MACHINE_EXIT_SUCCESS);
}

/* seL4_DebugNameThread: the name is a string in the caller's IPC buffer. */
static void debug_name_thread(struct tcb *t)
{
    seL4_IPCBuffer *buf = arch_ipc_buffer(t);
    cte_t *slot = buf ? cspace_find_slot(t->slots[TCB_CTABLE].cap, arch_syscall_arg(t, 0)) : NULL;
    if (!slot || cap_type(slot->cap) != cap_thread_cap)
        return;
    struct tcb *target = cap_ptr(slot->cap);
    const char *name = (const char *)buf->msg;
    size_t i;
    for (i = 0; i < TCB_NAME_MAX - 1 && i < sizeof(buf->msg) && name[i]; i++)
        target->name[i] = name[i];
    target->name[i] = 0;
}

/*
 * KAAL_SysDebugCheckObjects(cptr): the no-aliasing invariant over the CDT
 * descendants of the cap at cptr or, for seL4_CapNull, over every CDT tree
 * rooted in the caller's CSpace root CNode. Returns the error in the badge
 * register, then MR0 = caps checked, MR1 = conflicting pairs, MR2/MR3 =
 * physical addresses of the first pair.
 */
static void debug_check_objects(struct tcb *t)
{
    uint64_t cptr = arch_syscall_arg(t, 0);
    cap_t root = t->slots[TCB_CTABLE].cap;
    struct cdt_alias_report r = { 0, 0, 0, 0 };
    seL4_Error err = seL4_NoError;
    cte_t *slot;
    if (cptr == 0) { /* seL4_CapNull */
        if (cap_type(root) == cap_cnode_cap)
            r = cdt_check_aliasing(0, cap_cnode_slots(root), 1ull << root.size_bits);
        else
            err = seL4_InvalidCapability;
    } else if (!(slot = cspace_find_slot(root, cptr)) || cte_is_empty(slot)) {
        err = seL4_InvalidCapability;
    } else {
        r = cdt_check_aliasing(slot, 0, 0);
    }
    arch_set_badge(t, err);
    arch_set_mr(t, 0, r.n_caps);
    arch_set_mr(t, 1, r.n_conflicts);
    arch_set_mr(t, 2, r.first ? pptr_to_paddr(cap_ptr(r.first->cap)) : 0);
    arch_set_mr(t, 3, r.second ? pptr_to_paddr(cap_ptr(r.second->cap)) : 0);
}

/*
 * KAAL_SysDebugPageEntry(vaddr): the leaf paging entry that maps vaddr in
 * the caller's VSpace. Returns the error in the badge register, MR0 = the
 * entry (0 if unmapped), MR1 = its level, MR2 = the memory type it selects
 * through the PAT.
 */
static void debug_page_entry(struct tcb *t)
{
    uint64_t va = arch_syscall_arg(t, 0);
    unsigned level = 0;
    uint64_t entry = 0;
    seL4_Error err = seL4_NoError;
    if (va >= USER_TOP || !t->vspace_root)
        err = seL4_InvalidArgument;
    else
        entry = arch_debug_page_entry(t->vspace_root, va, &level);
    arch_set_badge(t, err);
    arch_set_mr(t, 0, entry);
    arch_set_mr(t, 1, level);
    arch_set_mr(t, 2, entry ? arch_debug_memory_type(entry, level) : 0);
}
#endif

/* The debug call sysno if this kernel has it and t may make it (true);
 * false leaves sysno to be an UnknownSyscall fault. */
static bool handle_debug_syscall(struct tcb *t, int64_t sysno)
{
#if KAAL_DEBUG_SYSCALLS
    if (t->no_debug_syscalls)
        return false;
    switch (sysno) {
    case seL4_SysDebugPutChar:
        arch_console_putc((char)arch_syscall_arg(t, 0));
        return true;
    case seL4_SysDebugHalt:
        debug_halt();
    case seL4_SysDebugNameThread:
        debug_name_thread(t);
        return true;
    case KAAL_SysDebugCheckObjects:
        debug_check_objects(t);
        return true;
    case KAAL_SysDebugPageEntry:
        debug_page_entry(t);
        return true;
    default:
        return false;
    }
#else
    (void)t;
    (void)sysno;
    return false;
#endif
}

void handle_syscall(int64_t sysno)
{
    struct tcb *t = kcpu.sched.current;
    if (t->foreign_abi) {
        struct fault f = { .type = seL4_Fault_UnknownSyscall, .addr = (uint64_t)sysno };
        handle_fault(t, &f);
        return;
    }
    switch (sysno) {
    case seL4_SysSetTLSBase: {
        /* seL4 on x86_64 without FSGSBASE (CONFIG_SET_TLS_BASE_SELF): the
         * caller's own fs_base, loaded on the way out; a non-canonical base
         * changes nothing (Arch_setTLSRegister). */
        uint64_t old = arch_get_user_reg(t, KAAL_REG_FS_BASE), base = arch_syscall_arg(t, 0);
        arch_set_user_reg(t, KAAL_REG_FS_BASE, base);
        if (arch_get_user_reg(t, KAAL_REG_FS_BASE) != base)
            arch_set_user_reg(t, KAAL_REG_FS_BASE, old);
        return;
    }
    case seL4_SysCall:
        handle_invocation(t, true, true);
        return;
    case seL4_SysSend:
        handle_invocation(t, false, true);
        return;
    case seL4_SysNBSend:
        handle_invocation(t, false, false);
        return;
    case seL4_SysRecv:
        handle_recv(t, true);
        return;
    case seL4_SysNBRecv:
        handle_recv(t, false);
        return;
    case seL4_SysReply:
        ipc_reply(t);
        return;
    case seL4_SysReplyRecv:
        ipc_reply(t);
        handle_recv(t, true);
        return;
    case seL4_SysYield:
        sched_yield();
        return;
    default: {
        if (handle_debug_syscall(t, sysno))
            return;
        struct fault f = { .type = seL4_Fault_UnknownSyscall, .addr = (uint64_t)sysno };
        handle_fault(t, &f);
        return;
    }
    }
}
