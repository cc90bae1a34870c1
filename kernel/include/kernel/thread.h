/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Threads (the kernel half of a TCB) and the scheduler interface. The
 * foundation has just the root thread; the threads/IPC issue grows this into
 * the full seL4 TCB with priorities, queues and IPC state.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <arch/context.h>
#include <kernel/machine.h>
#include <kernel/cap.h>
#include <kernel/percpu.h>

/* seL4 thread states (classic API). */
typedef enum {
    ThreadState_Inactive = 0,
    ThreadState_Running,
    ThreadState_Restart,
    ThreadState_BlockedOnReceive,
    ThreadState_BlockedOnSend,
    ThreadState_BlockedOnReply,
    ThreadState_BlockedOnNotification,
    ThreadState_IdleThreadState,
} thread_state_t;

struct notification;

#define TCB_NAME_MAX 32

/* The capability slots a TCB holds, as seL4's tcb_cnode_index. */
enum tcb_slot {
    TCB_CTABLE = 0,   /* CSpace root */
    TCB_VTABLE,       /* VSpace root */
    TCB_REPLY,
    TCB_CALLER,
    TCB_BUFFER,       /* IPC buffer frame */
    TCB_SLOT_COUNT
};

struct tcb {
    struct arch_context ctx;   /* user registers; see <arch/context.h> */
    thread_state_t state;
    uint8_t priority;
    uint8_t mcp;
    paddr_t vspace_root;       /* physical address of the top-level table */
    vaddr_t ipc_buffer_vaddr;
    char name[TCB_NAME_MAX];
    /* Owned by the scheduler (thread.c): ready-queue links and quantum. */
    struct tcb *sched_next, *sched_prev;
    bool in_ready_queue;
    uint32_t time_slice_ticks;
    /* Capability slots (CSpace/VSpace roots, IPC buffer, ...), in the CDT
     * like any CNode slot; emptied when the TCB is destroyed. */
    cte_t slots[TCB_SLOT_COUNT];
    /* Owned by IPC (kernel/object/endpoint.c, notification.c): the object
     * the thread is blocked on, its links in that object's FIFO queue and
     * what the blocked send carries. */
    void *blocked_on;
    struct tcb *ep_next, *ep_prev;
    uint64_t blocked_badge;
    bool blocked_can_grant, blocked_can_grant_reply, blocked_is_call;
    struct notification *bound_ntfn;
    /* seL4's tcbFaultHandler: a CPtr in the thread's own CSpace, looked up
     * when a fault happens (classic API). */
    uint64_t fault_handler;
    struct fault_record {
        int type;          /* fault_type_t; 0 = none */
        uint64_t w[6];     /* type-specific words, see kernel/fault.c */
    } fault;
    /* KaaL extension: every `syscall` of this thread is an UnknownSyscall
     * fault (foreign ABI, e.g. Linux), see docs/sel4-deviations.md. */
    bool foreign_abi;
    /* KaaL extension: the debug system calls (kernel/syscall.c) are
     * UnknownSyscall faults for this thread. Set once, never cleared;
     * TCBs this thread retypes inherit it. */
    bool no_debug_syscalls;
};
_Static_assert(sizeof(struct tcb) <= 2048, "a TCB fits its 2^seL4_TCBBits object");

static inline bool thread_is_runnable(const struct tcb *t)
{
    return t->state == ThreadState_Running || t->state == ThreadState_Restart;
}

/* Scheduler (classic seL4): 256 priorities, the highest runnable runs;
 * round robin within a priority, TIME_SLICE_TICKS timer ticks each. The
 * running thread is never in a ready queue. */
void sched_make_runnable(struct tcb *t);  /* t became runnable (not current) */
void sched_remove(struct tcb *t);         /* t stopped being runnable */
void sched_yield(void);                   /* current to the tail of its queue */
/* t became runnable through IPC: if the current thread just blocked, t
 * runs next among its priority (seL4's direct switch), else as above. */
void sched_wake(struct tcb *t);
/* Priority change, requeueing t if it is ready. */
void sched_set_priority(struct tcb *t, uint8_t prio);

/* Picks the thread to run next (the current one if it can still run). */
void schedule(void);
/* Leaves the kernel: schedule, then resume the chosen thread. */
_Noreturn void kernel_exit(void);

/* Generic entry points called by the arch after saving the user context. */
void handle_syscall(int64_t sysno);

/* arch */
_Noreturn void arch_activate_thread(struct tcb *t);
_Noreturn void arch_idle(void);
void arch_thread_init_context(struct tcb *t, vaddr_t entry, uint64_t arg0);
uint64_t arch_syscall_arg(const struct tcb *t, unsigned i); /* 0 = cap/dest register */
uint64_t arch_fault_ip(const struct tcb *t);
/* A thread blocked in (or faulting from) a system call will re-execute it
 * when it next runs (seL4's Restart: resume at FaultIP). */
void arch_rewind_syscall(struct tcb *t);
/* seL4's updateRestartPC: a thread stopped while running resumes after
 * its last system call, not at it. */
void arch_update_restart_pc(struct tcb *t);
/* Physical address of t's VSpace root, from its VTable slot (0: none). */
paddr_t arch_tcb_vspace_root(const struct tcb *t);
