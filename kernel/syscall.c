// SPDX-License-Identifier: BSD-2-Clause
/*
 * System-call dispatch by seL4 syscall number. The arch has saved the
 * caller's registers in its TCB; arguments are read from there. Numbers
 * that are not seL4 system calls become UnknownSyscall faults, exactly as
 * seL4 does, so a foreign ABI can be emulated by a fault handler.
 *
 * Call, Send and NBSend invoke a capability (kernel/object/invoke.c): an
 * object invocation, or IPC for endpoint and notification caps. Recv,
 * Reply and ReplyRecv belong to the threads/IPC issue.
 */
#include <kernel/thread.h>
#include <kernel/fault.h>
#include <kernel/invocation.h>
#include <kernel/kprintf.h>
#include <sel4/syscall.h>

static _Noreturn void debug_halt(void)
{
    kprintf("[KaaL] seL4_DebugHalt: stopping the machine\n");
    machine_halt(MACHINE_EXIT_SUCCESS);
}

void handle_syscall(int64_t sysno)
{
    struct tcb *t = ksched.current;
    switch (sysno) {
    case seL4_SysCall:
        handle_invocation(t, true, true);
        return;
    case seL4_SysSend:
        handle_invocation(t, false, true);
        return;
    case seL4_SysNBSend:
        handle_invocation(t, false, false);
        return;
    case seL4_SysDebugPutChar:
        arch_console_putc((char)arch_syscall_arg(t, 0));
        return;
    case seL4_SysDebugHalt:
        debug_halt();
    case seL4_SysYield:
        sched_yield();
        return;
    default: {
        struct fault f = { .type = seL4_Fault_UnknownSyscall, .addr = (uint64_t)sysno };
        handle_fault(t, &f);
        return;
    }
    }
}
