// SPDX-License-Identifier: BSD-2-Clause
/*
 * Processes: the table, their threads, replies, blocking, exit and signals.
 *
 * An entry of the table is a thread (a TCB with the foreign-ABI flag and
 * the NoDebugSyscalls flag) with a 16-slot CNode holding only its fault
 * endpoint: a badged copy of the server's "faults" endpoint (badge = table
 * index + 1), so every syscall and page fault arrives at the server named
 * by its badge, and the thread holds no other authority. A process is its
 * leader (tid == pid) and the threads clone made: they share its address
 * space (vm.c, one PML4 for all their TCBs) and fd table; exit ends one
 * thread, exit_group and fatal signals all of them.
 *
 * Replies: a syscall answered at once is replied to by the main loop
 * (ReplyRecv); one that must wait (a read of an empty tty or pipe, wait4)
 * saves its reply cap (seL4_CNode_SaveCaller) in the process's reply slot
 * and is retried by proc_wake_all after every event, then answered with a
 * Send on that slot.
 *
 * Signals: a default action that terminates ends the process (wait status
 * = the signal); a handler is entered with a Linux x86_64 rt_sigframe
 * (ucontext with the integer registers and the mask, siginfo; no FPU
 * state) on the process's stack when its current syscall is answered or,
 * if it is running, by suspending it and rewriting its registers.
 */
#include "posix.h"

#include <kaal/error.h>
#include <kaal/heap.h>
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <kaal/sysdesc.h>
#include <kaal/timer.h>

#include "posix_caps.h"

#define CNODE KAAL_SYSDESC_SLOT_CNODE
#define PROC_CNODE_BITS 4
#define PROC_FAULT_SLOT 1

struct proc procs[MAX_PROCS];
bool posix_init_ended;
static int next_pid = 1;

struct proc *proc_by_pid(int pid)
{
    for (unsigned i = 0; i < MAX_PROCS; i++)
        if (procs[i].state != PROC_FREE && procs[i].pid == pid && proc_is_leader(&procs[i]))
            return &procs[i];
    return NULL;
}

struct proc *proc_by_tid(int tid)
{
    for (unsigned i = 0; i < MAX_PROCS; i++)
        if ((procs[i].state == PROC_RUNNING || procs[i].state == PROC_BLOCKED) &&
            procs[i].tid == tid)
            return &procs[i];
    return NULL;
}

struct proc *proc_by_badge(seL4_Word badge)
{
    if (!(badge & FAULT_BADGE_BIT))
        return NULL;
    badge &= ~FAULT_BADGE_BIT;
    if (badge == 0 || badge > MAX_PROCS)
        return NULL;
    struct proc *p = &procs[badge - 1];
    return (p->state == PROC_RUNNING || p->state == PROC_BLOCKED) ? p : NULL;
}

static struct proc *free_entry(void)
{
    for (unsigned i = 0; i < MAX_PROCS; i++) {
        struct proc *p = &procs[i];
        if (p->state != PROC_FREE)
            continue;
        memset(p, 0, sizeof(*p));
        p->index = i;
        p->tcb = p->cnode = PAGE_NONE;
        return p;
    }
    return NULL;
}

struct proc *proc_new(int ppid)
{
    struct proc *p = free_entry();
    if (!p)
        return NULL;
    p->files = fd_table_new();
    if (!p->files)
        return NULL;
    if (vm_create(&p->vm, DEFAULT_MAX_PAGES) < 0) {
        fd_close_all(p);
        return NULL;
    }
    p->pid = p->tid = next_pid++;
    p->ppid = ppid;
    p->state = PROC_RUNNING;
    p->umask = 022;
    snprintf(p->cwd, sizeof(p->cwd), "/");
    return p;
}

/* The thread's context as seL4_TCB_WriteRegisters takes it. */
static int write_context(struct proc *p, seL4_UserContext *ctx, bool resume)
{
    return seL4_TCB_WriteRegisters(mem_cap(p->tcb), resume, 0, sizeof(*ctx) / sizeof(seL4_Word),
                                   ctx) == seL4_NoError
               ? 0
               : -LINUX_ENOMEM;
}

static int make_thread(struct proc *p)
{
    p->tcb = mem_alloc(seL4_TCBObject, 0);
    p->cnode = mem_alloc(seL4_CapTableObject, PROC_CNODE_BITS);
    if (p->tcb == PAGE_NONE || p->cnode == PAGE_NONE)
        return -LINUX_EAGAIN;
    seL4_Word guard = seL4_CNode_CapData_new(0, seL4_WordBits - PROC_CNODE_BITS).words[0];
    if (seL4_CNode_Mint(mem_cap(p->cnode), PROC_FAULT_SLOT, PROC_CNODE_BITS, CNODE, KAAL_CAP_FAULTS,
                        seL4_WordBits, seL4_CapRights_new(1, 0, 0, 1),
                        FAULT_BADGE_BIT | (p->index + 1)) != seL4_NoError ||
        seL4_TCB_SetSpace(mem_cap(p->tcb), PROC_FAULT_SLOT, mem_cap(p->cnode), guard,
                          mem_cap(p->vm.mm->pml4), 0) != seL4_NoError ||
        seL4_TCB_SetPriority(mem_cap(p->tcb), KAAL_SYSDESC_SLOT_TCB, PROC_PRIORITY) !=
            seL4_NoError ||
        seL4_TCB_SetFlags(mem_cap(p->tcb), 0,
                          KAAL_TCBFlag_ForeignABI | KAAL_TCBFlag_NoDebugSyscalls)
                .error != seL4_NoError)
        return -LINUX_EAGAIN;
    return 0;
}

int proc_start_thread(struct proc *p, uint64_t rip, uint64_t rsp)
{
    int r = make_thread(p);
    if (r < 0)
        return r;
    seL4_UserContext ctx = {0};
    ctx.rip = rip;
    ctx.rsp = rsp;
    ctx.rflags = 0x202;
    ctx.fs_base = p->fs_base;
    return write_context(p, &ctx, true);
}

static void free_thread(struct proc *t);

/* The registers of parent's current syscall as it returns 0 (fork and
 * clone children start so). */
static void child_context(const struct proc *parent, seL4_UserContext *out)
{
    const seL4_Word *m = parent->regs;
    seL4_UserContext ctx = {
        .rip = m[seL4_UnknownSyscall_FaultIP] + 2,
        .rsp = m[seL4_UnknownSyscall_SP],
        .rflags = m[seL4_UnknownSyscall_FLAGS],
        .rax = 0,
        .rbx = m[seL4_UnknownSyscall_RBX],
        .rcx = m[seL4_UnknownSyscall_FaultIP] + 2,
        .rdx = m[seL4_UnknownSyscall_RDX],
        .rsi = m[seL4_UnknownSyscall_RSI],
        .rdi = m[seL4_UnknownSyscall_RDI],
        .rbp = m[seL4_UnknownSyscall_RBP],
        .r8 = m[seL4_UnknownSyscall_R8],
        .r9 = m[seL4_UnknownSyscall_R9],
        .r10 = m[seL4_UnknownSyscall_R10],
        .r11 = m[seL4_UnknownSyscall_FLAGS],
        .r12 = m[seL4_UnknownSyscall_R12],
        .r13 = m[seL4_UnknownSyscall_R13],
        .r14 = m[seL4_UnknownSyscall_R14],
        .r15 = m[seL4_UnknownSyscall_R15],
        .fs_base = parent->fs_base,
    };
    *out = ctx;
}

int proc_fork_thread(struct proc *child, const struct proc *parent)
{
    int r = make_thread(child);
    if (r < 0)
        return r;
    seL4_UserContext ctx;
    child_context(parent, &ctx);
    return write_context(child, &ctx, true);
}

struct proc *proc_new_thread(struct proc *p, uint64_t stack, bool set_tls, uint64_t tls)
{
    struct proc *t = free_entry();
    if (!t)
        return NULL;
    t->pid = p->pid;
    t->tid = next_pid++;
    t->ppid = p->ppid;
    t->pgid = p->pgid;
    t->sid = p->sid;
    t->umask = p->umask;
    memcpy(t->cwd, p->cwd, sizeof(t->cwd));
    memcpy(t->act, p->act, sizeof(t->act));
    memcpy(t->comm, p->comm, sizeof(t->comm));
    memcpy(t->exe, p->exe, sizeof(t->exe));
    t->sigmask = p->sigmask;
    t->fs_base = set_tls ? tls : p->fs_base;
    vm_share(&t->vm, &p->vm);
    t->files = p->files;
    t->files->refs++;
    t->state = PROC_RUNNING;
    seL4_UserContext ctx;
    child_context(p, &ctx);
    if (stack)
        ctx.rsp = stack;
    ctx.fs_base = t->fs_base;
    if (make_thread(t) < 0 || write_context(t, &ctx, true) < 0) {
        free_thread(t);
        return NULL;
    }
    return t;
}

/* ---- replies ---- */

/* The reply registers for p: its saved syscall registers with rax =
 * result, rip past `syscall`, rcx/r11 as the instruction leaves them. */
static seL4_MessageInfo_t reply_message(struct proc *p, int64_t result)
{
    seL4_Word *m = p->regs;
    m[seL4_UnknownSyscall_RAX] = (seL4_Word)result;
    m[seL4_UnknownSyscall_FaultIP] += 2;
    if (p->sigreturn) { /* the interrupted code's own rcx and r11 */
        p->sigreturn = false;
        m[seL4_UnknownSyscall_RCX] = p->saved_rcx;
        m[seL4_UnknownSyscall_R11] = p->saved_r11;
    } else {
        m[seL4_UnknownSyscall_RCX] = m[seL4_UnknownSyscall_FaultIP];
        m[seL4_UnknownSyscall_R11] = m[seL4_UnknownSyscall_FLAGS];
    }
    for (int i = 0; i < seL4_UnknownSyscall_Syscall; i++)
        seL4_SetMR(i, m[i]);
    return seL4_MessageInfo_new(0, 0, 0, seL4_UnknownSyscall_Syscall);
}

static void deliver_pending(struct proc *p);

seL4_MessageInfo_t proc_reply_message(struct proc *p, int64_t result)
{
    p->regs[seL4_UnknownSyscall_RAX] = (seL4_Word)result;
    deliver_pending(p);
    return reply_message(p, (int64_t)p->regs[seL4_UnknownSyscall_RAX]);
}

void proc_reply(struct proc *p, int64_t result)
{
    /* Only for a blocked process: its reply cap is saved. */
    seL4_MessageInfo_t info = proc_reply_message(p, result);
    seL4_Send(mem_reply_slot(p->index), info);
    p->state = PROC_RUNNING;
    p->block = BLOCK_NONE;
    p->deadline_ns = 0;
}

/* ---- time ---- */

static bool timer_registered;
static uint64_t timer_armed_ns; /* the deadline the timer holds (0: none) */

static bool timer_ready(void)
{
    if (timer_registered)
        return true;
    /* The timer's signal sets TIMER_BADGE_BIT in the word the main loop's
     * Recv returns. */
    kaal_error_t err = kaal_timer_register_badged(KAAL_CAP_TIMER, KAAL_CAP_EVENTS,
                                                  mem_timer_slot(), TIMER_BADGE_BIT);
    timer_registered = err == KAAL_OK;
    if (!timer_registered) {
        static bool said;
        if (!said)
            printf("posix: no timer (%s): sleeps are ENOSYS\n", kaal_strerror(err));
        said = true;
    }
    return timer_registered;
}

int64_t proc_sleep_until(struct proc *p, uint64_t deadline_ns)
{
    if (kaal_time_ns() >= deadline_ns)
        return 0;
    if (!timer_ready())
        return -LINUX_ENOSYS;
    p->deadline_ns = deadline_ns;
    return SYS_BLOCKED;
}

void proc_timers_update(void)
{
    uint64_t first = 0;
    for (unsigned i = 0; i < MAX_PROCS; i++) {
        const struct proc *p = &procs[i];
        if (p->state == PROC_BLOCKED && p->deadline_ns && (!first || p->deadline_ns < first))
            first = p->deadline_ns;
    }
    if (first == timer_armed_ns || !timer_registered)
        return;
    kaal_error_t err = kaal_timer_set_timeout(KAAL_CAP_TIMER, first);
    if (err == KAAL_EAGAIN || err == KAAL_ENOENT) { /* the timer restarted: register again */
        timer_registered = false;
        if (timer_ready())
            err = kaal_timer_set_timeout(KAAL_CAP_TIMER, first);
    }
    timer_armed_ns = err == KAAL_OK ? first : 0;
}

void proc_block(struct proc *p, int reason)
{
    if (p->state != PROC_BLOCKED)
        seL4_CNode_SaveCaller(CNODE, mem_reply_slot(p->index), seL4_WordBits);
    p->state = PROC_BLOCKED;
    p->block = reason;
}

void proc_wake_all(void)
{
    bool again = true;
    for (int round = 0; again && round < 4; round++) {
        again = false;
        for (unsigned i = 0; i < MAX_PROCS; i++) {
            struct proc *p = &procs[i];
            if (p->state != PROC_BLOCKED)
                continue;
            if (p->block == BLOCK_STOPPED) {
                if (!proc_stopped(p)) {
                    proc_reply(p, p->stop_result);
                    again = true;
                }
                continue;
            }
            if (proc_stopped(p))
                continue; /* its call waits on until the process continues */
            int64_t r = posix_syscall(p, p->regs[seL4_UnknownSyscall_RAX], p->block_args);
            if (r == SYS_BLOCKED || r == SYS_NO_REPLY)
                continue;
            proc_reply(p, r);
            again = true; /* a reply may have freed room others wait for */
        }
    }
}

/* ---- exit ---- */

/* Frees what thread t holds of its own (TCB, CNode, a saved reply) and
 * its references on vm and files; the entry is FREE. */
static void free_thread(struct proc *t)
{
    if (t->state == PROC_BLOCKED)
        seL4_CNode_Delete(CNODE, mem_reply_slot(t->index), seL4_WordBits);
    mem_free(t->tcb); /* the thread stops here */
    mem_free(t->cnode);
    t->tcb = t->cnode = PAGE_NONE;
    fd_close_all(t);
    vm_destroy(&t->vm);
    t->state = PROC_FREE;
    t->block = BLOCK_NONE;
}

void proc_kill_other_threads(struct proc *p)
{
    for (unsigned i = 0; i < MAX_PROCS; i++) {
        struct proc *t = &procs[i];
        if (t != p && t->pid == p->pid && (t->state == PROC_RUNNING || t->state == PROC_BLOCKED))
            free_thread(t);
    }
}

void proc_thread_exit(struct proc *t, int status)
{
    bool alone = true;
    for (unsigned i = 0; i < MAX_PROCS && alone; i++)
        alone = !(&procs[i] != t && procs[i].pid == t->pid &&
                  (procs[i].state == PROC_RUNNING || procs[i].state == PROC_BLOCKED));
    if (alone || proc_is_leader(t)) {
        /* The last thread, or the leader (whose exit with threads alive
         * Linux defers to the last one): the process ends. */
        proc_exit(t, status);
        return;
    }
    /* CLONE_CHILD_CLEARTID: what pthread_join waits for. */
    uint32_t zero = 0;
    if (t->clear_child_tid && copy_to_user(&t->vm, t->clear_child_tid, &zero, 4) == 0)
        futex_wake(&t->vm, t->clear_child_tid, 1, ~0u);
    free_thread(t);
}

void proc_exit(struct proc *p, int status)
{
    if (!proc_is_leader(p)) { /* a thread's fatal signal or exit_group ends them all */
        struct proc *leader = proc_by_pid(p->pid);
        if (!leader || leader->state == PROC_ZOMBIE) {
            free_thread(p);
            return;
        }
        p = leader;
    }
    proc_kill_other_threads(p);
    free_thread(p);
    p->exit_status = status;
    p->state = PROC_ZOMBIE;
    struct proc *parent = proc_by_pid(p->ppid);
    for (unsigned i = 0; i < MAX_PROCS; i++) {
        struct proc *c = &procs[i];
        if (c->state != PROC_FREE && c->ppid == p->pid) {
            c->ppid = 1;
            if (c->state == PROC_ZOMBIE && p->pid != 1)
                proc_reap(c); /* nobody will wait for it */
        }
    }
    if (p->pid == 1) {
        printf("posix: init (pid 1) ended with status %#x\n", (unsigned)status);
        proc_reap(p);
        posix_init_ended = true;
        return;
    }
    if (!parent || parent->act[17].handler == 1 /* SIGCHLD ignored: no zombie */)
        proc_reap(p);
    else
        proc_signal(parent, 17);
    proc_wake_all();
}

void proc_reap(struct proc *p)
{
    p->state = PROC_FREE;
}

/* ---- signals ---- */

#define SIGKILL 9
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGWINCH 28
#define SIG_DFL 0
#define SIG_IGN 1
#define SA_RESETHAND 0x80000000u
#define SA_NODEFER 0x40000000u
#define SA_RESTART 0x10000000u

static bool default_ignores(int sig)
{
    return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH;
}

static bool default_stops(int sig)
{
    return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* Linux x86_64 struct rt_sigframe, up to the FPU state we do not save. */
struct sigcontext_x86_64 {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip,
        eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2, fpstate, reserved[8];
};
struct ucontext_x86_64 {
    uint64_t uc_flags, uc_link;
    uint64_t ss_sp;
    int32_t ss_flags, pad;
    uint64_t ss_size;
    struct sigcontext_x86_64 mc;
    uint64_t sigmask;
};
struct rt_sigframe {
    uint64_t pretcode;
    struct ucontext_x86_64 uc;
    uint8_t info[128];
};
_Static_assert(sizeof(struct sigcontext_x86_64) == 256, "Linux struct sigcontext");
_Static_assert(sizeof(struct ucontext_x86_64) == 304, "Linux struct ucontext");

/* Builds a frame for sig on the stack of the registers m (fault-message
 * order, rip = where to resume) and points m at the handler. */
static bool push_frame(struct proc *p, seL4_Word *m, uint64_t resume_rip, int sig, int code,
                       uint64_t addr)
{
    struct k_sigaction *a = &p->act[sig];
    struct rt_sigframe f;
    memset(&f, 0, sizeof(f));
    f.pretcode = a->restorer;
    struct sigcontext_x86_64 *c = &f.uc.mc;
    c->r8 = m[seL4_UnknownSyscall_R8];
    c->r9 = m[seL4_UnknownSyscall_R9];
    c->r10 = m[seL4_UnknownSyscall_R10];
    c->r11 = m[seL4_UnknownSyscall_R11];
    c->r12 = m[seL4_UnknownSyscall_R12];
    c->r13 = m[seL4_UnknownSyscall_R13];
    c->r14 = m[seL4_UnknownSyscall_R14];
    c->r15 = m[seL4_UnknownSyscall_R15];
    c->rdi = m[seL4_UnknownSyscall_RDI];
    c->rsi = m[seL4_UnknownSyscall_RSI];
    c->rbp = m[seL4_UnknownSyscall_RBP];
    c->rbx = m[seL4_UnknownSyscall_RBX];
    c->rdx = m[seL4_UnknownSyscall_RDX];
    c->rax = m[seL4_UnknownSyscall_RAX];
    c->rcx = m[seL4_UnknownSyscall_RCX];
    c->rsp = m[seL4_UnknownSyscall_SP];
    c->rip = resume_rip;
    c->eflags = m[seL4_UnknownSyscall_FLAGS];
    c->cs = 0x33;
    c->ss = 0x2b;
    c->oldmask = p->sigmask;
    f.uc.sigmask = p->sigmask;
    int32_t *si = (int32_t *)f.info;
    si[0] = sig; /* si_signo; si_errno 0 */
    si[2] = code; /* si_code: SI_USER (0) or the fault's */
    memcpy(f.info + 16, &addr, sizeof(addr)); /* si_addr of a fault */
    uint64_t sp = m[seL4_UnknownSyscall_SP] - 128; /* the red zone */
    sp = ((sp - sizeof(f)) & ~15ul) - 8;
    if (copy_to_user(&p->vm, sp, &f, sizeof(f)) < 0)
        return false;
    m[seL4_UnknownSyscall_SP] = sp;
    m[seL4_UnknownSyscall_RDI] = (seL4_Word)sig;
    m[seL4_UnknownSyscall_RSI] = sp + offsetof(struct rt_sigframe, info);
    m[seL4_UnknownSyscall_RDX] = sp + offsetof(struct rt_sigframe, uc);
    m[seL4_UnknownSyscall_RAX] = 0;
    m[seL4_UnknownSyscall_FaultIP] = a->handler;
    if (!(a->flags & SA_NODEFER))
        p->sigmask |= 1ul << (sig - 1);
    p->sigmask |= a->mask;
    if (a->flags & SA_RESETHAND)
        a->handler = SIG_DFL;
    return true;
}

/* rt_sigreturn: the registers from the frame at rsp - 8 + 8 (the restorer
 * was entered by the handler's ret). */
int64_t proc_sigreturn(struct proc *p)
{
    seL4_Word *m = p->regs;
    struct ucontext_x86_64 uc;
    if (copy_from_user(&p->vm, &uc, m[seL4_UnknownSyscall_SP], sizeof(uc)) < 0) {
        proc_exit(p, 11);
        return SYS_NO_REPLY;
    }
    const struct sigcontext_x86_64 *c = &uc.mc;
    m[seL4_UnknownSyscall_R8] = c->r8;
    m[seL4_UnknownSyscall_R9] = c->r9;
    m[seL4_UnknownSyscall_R10] = c->r10;
    m[seL4_UnknownSyscall_R12] = c->r12;
    m[seL4_UnknownSyscall_R13] = c->r13;
    m[seL4_UnknownSyscall_R14] = c->r14;
    m[seL4_UnknownSyscall_R15] = c->r15;
    m[seL4_UnknownSyscall_RDI] = c->rdi;
    m[seL4_UnknownSyscall_RSI] = c->rsi;
    m[seL4_UnknownSyscall_RBP] = c->rbp;
    m[seL4_UnknownSyscall_RBX] = c->rbx;
    m[seL4_UnknownSyscall_RDX] = c->rdx;
    m[seL4_UnknownSyscall_SP] = c->rsp;
    m[seL4_UnknownSyscall_FLAGS] = c->eflags;
    /* reply_message adds 2 to rip and sets rcx/r11: undo that for rip. */
    m[seL4_UnknownSyscall_FaultIP] = c->rip - 2;
    p->sigmask = uc.sigmask & ~((1ul << (SIGKILL - 1)) | (1ul << (SIGSTOP - 1)));
    int64_t rax = (int64_t)c->rax;
    p->sigreturn = true;
    p->saved_rcx = c->rcx;
    p->saved_r11 = c->r11;
    return rax;
}

/* Enters the handler of one pending unblocked signal as p's syscall is
 * answered (p->regs hold the answer in rax). */
static void deliver_pending(struct proc *p)
{
    uint64_t ready = p->sigpending & ~p->sigmask;
    if (!ready)
        return;
    int sig = __builtin_ctzll(ready) + 1;
    p->sigpending &= ~(1ul << (sig - 1));
    if (!push_frame(p, p->regs, p->regs[seL4_UnknownSyscall_FaultIP] + 2, sig, 0, 0)) {
        proc_exit(p, 11);
        return;
    }
    /* reply_message adds 2: the handler address is exact. */
    p->regs[seL4_UnknownSyscall_FaultIP] -= 2;
}

/* p's handler for sig entered from the registers its thread has now
 * (stopped: running and suspended, or waiting for a fault's reply). */
static bool enter_handler(struct proc *p, int sig, int code, uint64_t addr, bool resume)
{
    seL4_UserContext ctx;
    if (seL4_TCB_ReadRegisters(mem_cap(p->tcb), 0, 0, sizeof(ctx) / sizeof(seL4_Word), &ctx) !=
        seL4_NoError)
        return false;
    seL4_Word m[seL4_UnknownSyscall_Syscall] = {0};
    m[seL4_UnknownSyscall_RAX] = ctx.rax;
    m[seL4_UnknownSyscall_RBX] = ctx.rbx;
    m[seL4_UnknownSyscall_RCX] = ctx.rcx;
    m[seL4_UnknownSyscall_RDX] = ctx.rdx;
    m[seL4_UnknownSyscall_RSI] = ctx.rsi;
    m[seL4_UnknownSyscall_RDI] = ctx.rdi;
    m[seL4_UnknownSyscall_RBP] = ctx.rbp;
    m[seL4_UnknownSyscall_R8] = ctx.r8;
    m[seL4_UnknownSyscall_R9] = ctx.r9;
    m[seL4_UnknownSyscall_R10] = ctx.r10;
    m[seL4_UnknownSyscall_R11] = ctx.r11;
    m[seL4_UnknownSyscall_R12] = ctx.r12;
    m[seL4_UnknownSyscall_R13] = ctx.r13;
    m[seL4_UnknownSyscall_R14] = ctx.r14;
    m[seL4_UnknownSyscall_R15] = ctx.r15;
    m[seL4_UnknownSyscall_SP] = ctx.rsp;
    m[seL4_UnknownSyscall_FLAGS] = ctx.rflags;
    if (!push_frame(p, m, ctx.rip, sig, code, addr))
        return false;
    ctx.rip = m[seL4_UnknownSyscall_FaultIP];
    ctx.rsp = m[seL4_UnknownSyscall_SP];
    ctx.rdi = m[seL4_UnknownSyscall_RDI];
    ctx.rsi = m[seL4_UnknownSyscall_RSI];
    ctx.rdx = m[seL4_UnknownSyscall_RDX];
    ctx.rax = 0;
    ctx.fs_base = p->fs_base;
    return write_context(p, &ctx, resume) == 0;
}

/* A running process: stop it, enter the handler, let it go on. */
static void interrupt_running(struct proc *p, int sig)
{
    if (seL4_TCB_Suspend(mem_cap(p->tcb)) != seL4_NoError)
        return;
    if (!enter_handler(p, sig, 0, 0, true))
        proc_exit(p, 11);
}

bool proc_fault_signal(struct proc *p, int sig, int code, uint64_t addr)
{
    uint64_t bit = 1ul << (sig - 1);
    if (p->act[sig].handler <= SIG_IGN || (p->sigmask & bit))
        return false; /* default, ignored or blocked: a fault's signal kills */
    return enter_handler(p, sig, code, addr, false);
}

/* ---- stop and continue ---- */

#define SA_NOCLDSTOP 1u

bool proc_stopped(const struct proc *p)
{
    const struct proc *l = proc_is_leader(p) ? p : proc_by_pid(p->pid);
    return l && l->stopped;
}

static void tell_parent(const struct proc *leader)
{
    struct proc *parent = proc_by_pid(leader->ppid);
    if (parent && !(parent->act[SIGCHLD].flags & SA_NOCLDSTOP))
        proc_signal(parent, SIGCHLD);
    posix_wake = true; /* a wait with WUNTRACED / WCONTINUED */
}

/* Every thread of the leader's process stops: running ones are
 * suspended, a syscall's answer waits (BLOCK_STOPPED, main.c). */
static void stop_process(struct proc *leader, int sig)
{
    if (leader->stopped)
        return;
    leader->stopped = true;
    leader->stop_sig = sig;
    leader->stop_report = true;
    leader->cont_report = false;
    for (unsigned i = 0; i < MAX_PROCS; i++) {
        struct proc *t = &procs[i];
        if (t->pid == leader->pid && t->state == PROC_RUNNING && t != posix_current &&
            t->block == BLOCK_NONE && t->tcb != PAGE_NONE &&
            seL4_TCB_Suspend(mem_cap(t->tcb)) == seL4_NoError)
            t->suspended = true;
    }
    tell_parent(leader);
}

static void continue_process(struct proc *leader)
{
    if (!leader->stopped)
        return;
    leader->stopped = false;
    leader->stop_report = false;
    leader->cont_report = true;
    for (unsigned i = 0; i < MAX_PROCS; i++) {
        struct proc *t = &procs[i];
        if (t->pid == leader->pid && t->suspended) {
            t->suspended = false;
            seL4_TCB_Resume(mem_cap(t->tcb));
        }
    }
    tell_parent(leader);
}

void proc_signal(struct proc *p, int sig)
{
    if (sig < 1 || sig > NSIG || p->state == PROC_ZOMBIE || p->state == PROC_FREE)
        return;
    uint64_t handler = p->act[sig].handler;
    struct proc *leader = proc_is_leader(p) ? p : proc_by_pid(p->pid);
    if (sig == SIGCONT && leader)
        continue_process(leader);
    if (sig != SIGKILL && leader && leader->stopped) {
        p->sigpending |= 1ul << (sig - 1); /* taken when it continues */
        return;
    }
    if (sig == SIGKILL || (handler == SIG_DFL && !default_ignores(sig) && !default_stops(sig))) {
        proc_exit(p, sig);
        return;
    }
    if (leader && (sig == SIGSTOP || (handler == SIG_DFL && default_stops(sig)))) {
        stop_process(leader, sig);
        return;
    }
    if (handler == SIG_IGN || handler == SIG_DFL)
        return; /* ignored */
    p->sigpending |= 1ul << (sig - 1);
    if (p->sigmask & (1ul << (sig - 1)))
        return;
    if (p->state == PROC_BLOCKED) {
        /* Interrupt the waiting call: EINTR, then the handler. */
        proc_reply(p, -LINUX_EINTR);
    } else if (p->state == PROC_RUNNING && p->tcb != PAGE_NONE && p->block == BLOCK_NONE &&
               p != posix_current) {
        p->sigpending &= ~(1ul << (sig - 1));
        interrupt_running(p, sig);
    }
}

void proc_signal_group(int pgid, int sig)
{
    for (unsigned i = 0; i < MAX_PROCS; i++)
        if ((procs[i].state == PROC_RUNNING || procs[i].state == PROC_BLOCKED) &&
            procs[i].pgid == pgid && proc_is_leader(&procs[i]))
            proc_signal(&procs[i], sig);
}
