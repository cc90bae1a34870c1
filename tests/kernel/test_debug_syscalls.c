// SPDX-License-Identifier: BSD-2-Clause
/*
 * Debug system calls withheld from a thread (KAAL_TCBFlag_NoDebugSyscalls,
 * docs/sel4-deviations.md): for it seL4_DebugPutChar, seL4_DebugHalt and
 * seL4_DebugNameThread are UnknownSyscall faults carrying the syscall
 * number, as in a seL4 build without them, and the machine keeps running;
 * the flag cannot be cleared, and threads the thread makes inherit it.
 * Threads without the flag (the root task, other children) keep the calls.
 * Children make the debug calls as raw system calls (thread_env.h).
 */
#include "thread_env.h"

static volatile seL4_Word shared[4];

static seL4_MessageInfo_t recv_raw(seL4_CPtr ep, seL4_Word mr[4])
{
    seL4_MessageInfo_t info;
    seL4_Word badge;
    x64_sys_recv(seL4_SysRecv, ep, &badge, &info.words[0], &mr[0], &mr[1], &mr[2], &mr[3]);
    return info;
}

/* Lets the children (priority 100) run until they block or end. */
static void let_children_run(void)
{
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 50));
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 255));
}

static seL4_Word tcb_flags(seL4_CPtr tcb)
{
    seL4_TCB_SetFlags_t fl = seL4_TCB_SetFlags(tcb, 0, 0);
    CHECK_OK(fl.error);
    return fl.flags;
}

/* Every debug call, then a mark that it got past them. */
static void child_debug_calls(seL4_Word unused, seL4_IPCBuffer *ipc)
{
    (void)unused;
    seL4_Word tcb = shared[1];
    seL4_Word u0 = 0, u1 = 0, u2 = 0, u3 = 0, u4 = 0, u5 = 0;
    x64_sys_send_recv(seL4_SysDebugPutChar, '!', &u0, 0, &u1, &u2, &u3, &u4, &u5);
    x64_sys_null(seL4_SysDebugHalt);
    memcpy(ipc->msg, "renamed", 8);
    x64_sys_send_recv(seL4_SysDebugNameThread, tcb, &u0, 0, &u1, &u2, &u3, &u4, &u5);
    shared[0] = 1;
}

/* Receives one UnknownSyscall fault on ep, checks its number and resumes
 * the thread after the syscall instruction. */
static void expect_unknown_syscall(seL4_CPtr ep, seL4_Word sysno)
{
    seL4_Word mr[4];
    seL4_MessageInfo_t info = recv_raw(ep, mr);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UnknownSyscall);
    CHECK_EQ(seL4_MessageInfo_get_length(info), seL4_UnknownSyscall_Length);
    CHECK_EQ(seL4_GetMR(seL4_UnknownSyscall_Syscall), sysno);
    seL4_Word regs[18];
    for (int i = 0; i < 18; i++)
        regs[i] = i < 4 ? mr[i] : seL4_GetMR(i);
    CHECK_EQ(regs[seL4_UnknownSyscall_RDX], sysno); /* the number register */
    regs[seL4_UnknownSyscall_FaultIP] += 2;         /* past the syscall */
    for (int i = 4; i < 18; i++)
        seL4_SetMR(i, regs[i]);
    seL4_Word r0 = regs[0], r1 = regs[1], r2 = regs[2], r3 = regs[3], unused;
    x64_sys_send_recv(seL4_SysReply, 0, &unused, seL4_MessageInfo_new(0, 0, 0, 18).words[0],
                      &unused, &r0, &r1, &r2, &r3);
}

static void test_debug_calls_of_a_thread_without_them_are_unknown_syscall_faults(void)
{
    seL4_CPtr fault_ep = env_object(seL4_EndpointObject, 0);
    shared[0] = 0;
    struct kthread k = kthread_create(0, child_debug_calls, 0, 100, fault_ep);
    CHECK_EQ(tcb_flags(k.tcb), 0);
    seL4_TCB_SetFlags_t fl = seL4_TCB_SetFlags(k.tcb, 0, KAAL_TCBFlag_NoDebugSyscalls);
    CHECK_OK(fl.error);
    CHECK_EQ(fl.flags, KAAL_TCBFlag_NoDebugSyscalls);
    /* The child names its own TCB: the cap is in the shared root CNode. */
    shared[1] = k.tcb;
    CHECK_OK(seL4_TCB_Resume(k.tcb));
    expect_unknown_syscall(fault_ep, (seL4_Word)seL4_SysDebugPutChar);
    expect_unknown_syscall(fault_ep, (seL4_Word)seL4_SysDebugHalt);
    expect_unknown_syscall(fault_ep, (seL4_Word)seL4_SysDebugNameThread);
    let_children_run();
    CHECK_EQ(shared[0], 1); /* the machine kept running, and so did the child */
}

static void test_no_debug_syscalls_flag_cannot_be_cleared(void)
{
    struct kthread k = kthread_create(0, child_debug_calls, 0, 100, 0);
    CHECK_EQ(seL4_TCB_SetFlags(k.tcb, 0, KAAL_TCBFlag_NoDebugSyscalls).flags,
             KAAL_TCBFlag_NoDebugSyscalls);
    seL4_TCB_SetFlags_t fl = seL4_TCB_SetFlags(k.tcb, ~0ul, 0);
    CHECK_OK(fl.error);
    CHECK_EQ(fl.flags, KAAL_TCBFlag_NoDebugSyscalls);
    /* The foreign-ABI flag still goes both ways next to it. */
    CHECK_EQ(seL4_TCB_SetFlags(k.tcb, 0, KAAL_TCBFlag_ForeignABI).flags,
             KAAL_TCBFlag_NoDebugSyscalls | KAAL_TCBFlag_ForeignABI);
    CHECK_EQ(seL4_TCB_SetFlags(k.tcb, KAAL_TCBFlag_ForeignABI, 0).flags,
             KAAL_TCBFlag_NoDebugSyscalls);
}

/* arg = untyped << 16 | destination slot: retypes a TCB there (raw call;
 * words 4 and 5 and the extra cap are in this thread's IPC buffer). */
static void child_retype_tcb(seL4_Word arg, seL4_IPCBuffer *ipc)
{
    ipc->caps_or_badges[0] = ROOT;
    ipc->msg[4] = arg & 0xffff; /* node_offset */
    ipc->msg[5] = 1;            /* num_objects */
    seL4_Word mr0 = seL4_TCBObject, mr1 = 0, mr2 = 0, mr3 = 0, unused;
    seL4_MessageInfo_t out;
    x64_sys_send_recv(seL4_SysCall, arg >> 16, &unused,
                      seL4_MessageInfo_new(UntypedRetype, 0, 1, 6).words[0], &out.words[0], &mr0,
                      &mr1, &mr2, &mr3);
    shared[1] = seL4_MessageInfo_get_label(out) + 1; /* seL4_Error + 1: 1 is success */
}

static void test_threads_made_by_a_thread_without_debug_calls_lack_them_too(void)
{
    seL4_CPtr ut = env_object(seL4_UntypedObject, 16);
    seL4_CPtr made = env_slot();
    shared[1] = 0;
    struct kthread k = kthread_create(0, child_retype_tcb, ut << 16 | made, 100, 0);
    CHECK_EQ(seL4_TCB_SetFlags(k.tcb, 0, KAAL_TCBFlag_NoDebugSyscalls).flags,
             KAAL_TCBFlag_NoDebugSyscalls);
    CHECK_OK(seL4_TCB_Resume(k.tcb));
    let_children_run();
    CHECK_EQ(shared[1], seL4_NoError + 1);
    CHECK_EQ(tcb_flags(made), KAAL_TCBFlag_NoDebugSyscalls);
    /* A TCB the root task makes has the calls. */
    CHECK_EQ(tcb_flags(env_object(seL4_TCBObject, 0)), 0);
}

/* A TAP comment line on the console, through the kernel. */
static void child_put_line(seL4_Word arg, seL4_IPCBuffer *ipc)
{
    (void)arg;
    (void)ipc;
    static const char line[] = "# debug calls: a child without the flag prints this line\n";
    seL4_Word u0 = 0, u1 = 0, u2 = 0, u3 = 0, u4 = 0, u5 = 0;
    for (const char *p = line; *p; p++)
        x64_sys_send_recv(seL4_SysDebugPutChar, (seL4_Word)*p, &u0, 0, &u1, &u2, &u3, &u4, &u5);
    shared[2] = 1;
}

static void test_thread_without_the_flag_makes_debug_calls(void)
{
    seL4_CPtr fault_ep = env_object(seL4_EndpointObject, 0);
    shared[2] = 0;
    kthread_start(0, child_put_line, 0, 100, fault_ep);
    let_children_run();
    CHECK_EQ(shared[2], 1); /* no fault stopped it on the way */
}

KTEST_LIST(debug_syscall_tests) = {
    KTEST(test_debug_calls_of_a_thread_without_them_are_unknown_syscall_faults),
    KTEST(test_no_debug_syscalls_flag_cannot_be_cleared),
    KTEST(test_threads_made_by_a_thread_without_debug_calls_lack_them_too),
    KTEST(test_thread_without_the_flag_makes_debug_calls),
};
const unsigned n_debug_syscall_tests = sizeof(debug_syscall_tests) / sizeof(debug_syscall_tests[0]);
