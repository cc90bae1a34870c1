// SPDX-License-Identifier: BSD-2-Clause
/*
 * Thread helper for the kernel tests: TCB from the test untyped, configured
 * with the root CNode and VSpace, a fresh IPC buffer frame mapped in the
 * thread window and a static stack; rip = a trampoline that calls fn and
 * then suspends the thread, so a returning thread never runs off its stack.
 */
#include "thread_env.h"

#define N_STACKS 8
#define STACK_BYTES 8192

static uint8_t stacks[N_STACKS][STACK_BYTES] __attribute__((aligned(16)));
static bool tables_ready_for_window;

static void trampoline(seL4_Word arg, seL4_IPCBuffer *ipc, void (*fn)(seL4_Word, seL4_IPCBuffer *),
                       seL4_CPtr self)
{
    fn(arg, ipc);
    /* Suspend ourselves: a plain Call on our own TCB cap. */
    seL4_Word mr0 = 0, mr1 = 0, mr2 = 0, mr3 = 0, out;
    x64_sys_send_recv(seL4_SysCall, self, &out, seL4_MessageInfo_new(TCBSuspend, 0, 0, 0).words[0],
                      &out, &mr0, &mr1, &mr2, &mr3);
    for (;;)
        ;
}

struct kthread kthread_create(unsigned index, void (*fn)(seL4_Word, seL4_IPCBuffer *),
                              seL4_Word arg, seL4_Word prio, seL4_CPtr fault_ep)
{
    struct kthread k = { 0, 0 };
    (void)tables_ready_for_window;
    seL4_Word va = (8ul + index) << 39; /* a PML4 slot of its own */
    seL4_CPtr frame = env_mapped_frame(va);
    k.tcb = env_object(seL4_TCBObject, 0);
    k.ipc = (seL4_IPCBuffer *)va;
    CHECK_OK(seL4_TCB_Configure(k.tcb, fault_ep, ROOT, 0, seL4_CapInitThreadVSpace, 0, va, frame));
    CHECK_OK(seL4_TCB_SetPriority(k.tcb, seL4_CapInitThreadTCB, prio));
    seL4_UserContext regs;
    memset(&regs, 0, sizeof(regs));
    regs.rip = (seL4_Word)trampoline;
    regs.rsp = (seL4_Word)&stacks[index % N_STACKS][STACK_BYTES - 8];
    regs.rflags = 0x202;
    regs.rdi = arg;
    regs.rsi = va;
    regs.rdx = (seL4_Word)fn;
    regs.rcx = k.tcb;
    CHECK_OK(seL4_TCB_WriteRegisters(k.tcb, 0, 0, 20, &regs));
    return k;
}

struct kthread kthread_start(unsigned index, void (*fn)(seL4_Word, seL4_IPCBuffer *),
                             seL4_Word arg, seL4_Word prio, seL4_CPtr fault_ep)
{
    struct kthread k = kthread_create(index, fn, arg, prio, fault_ep);
    CHECK_OK(seL4_TCB_Resume(k.tcb));
    return k;
}
