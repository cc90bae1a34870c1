// SPDX-License-Identifier: BSD-2-Clause
/*
 * futex(2): the wait queues of user-space locks (glibc's and musl's
 * mutexes, condition variables, pthread_join).
 *
 * Model: a waiter is a thread BLOCKED with block == BLOCK_FUTEX on a key
 * (its address space, the word's address): a futex is private to one
 * address space here, as nothing is mapped shared between processes, so
 * FUTEX_PRIVATE_FLAG changes nothing. FUTEX_WAIT checks the word once, on
 * entry, then sleeps until a FUTEX_WAKE picks it (futex_woken), its
 * deadline passes (ETIMEDOUT) or a signal comes (EINTR, proc_signal); the
 * retries of blocked calls after every event (proc_wake_all) only look at
 * those. Wakers take waiters in the order they came (futex_seq) and answer
 * them at once with a Send on their saved reply.
 */
#include "posix.h"

#include <kaal/timer.h>
#include <kaal/timing.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu
#define NS 1000000000ull

static uint64_t next_seq = 1;

static bool is_waiter(const struct proc *t, const struct vmspace *vm, uint64_t addr)
{
    return t->state == PROC_BLOCKED && t->block == BLOCK_FUTEX && !t->futex_woken &&
           t->vm.mm == vm->mm && t->futex_addr == addr;
}

/* The waiter on (vm, addr) that came first and meets bitset, or NULL. */
static struct proc *first_waiter(const struct vmspace *vm, uint64_t addr, uint32_t bitset)
{
    struct proc *best = NULL;
    for (unsigned i = 0; i < MAX_PROCS; i++) {
        struct proc *t = &procs[i];
        if (is_waiter(t, vm, addr) && (t->futex_bitset & bitset) &&
            (!best || t->futex_seq < best->futex_seq))
            best = t;
    }
    return best;
}

int futex_wake(const struct vmspace *vm, uint64_t addr, int n, uint32_t bitset)
{
    int woken = 0;
    while (woken < n) {
        struct proc *t = first_waiter(vm, addr, bitset);
        if (!t)
            break;
        t->futex_woken = true;
        proc_reply(t, 0);
        woken++;
    }
    return woken;
}

/* Moves up to n waiters of addr to addr2 (they keep their place). */
static int requeue(const struct vmspace *vm, uint64_t addr, uint64_t addr2, int n)
{
    int moved = 0;
    struct proc *t;
    while (moved < n && (t = first_waiter(vm, addr, FUTEX_BITSET_MATCH_ANY))) {
        t->futex_addr = addr2;
        moved++;
    }
    return moved;
}

static int64_t futex_wait(struct proc *p, uint64_t addr, uint32_t val, uint64_t utimeout,
                          bool absolute, uint32_t bitset)
{
    if (p->state == PROC_BLOCKED && p->block == BLOCK_FUTEX) { /* a retry */
        if (p->futex_woken)
            return 0;
        if (p->deadline_ns && kaal_time_ns() >= p->deadline_ns)
            return -LINUX_ETIMEDOUT;
        return SYS_BLOCKED;
    }
    uint32_t word;
    if (copy_from_user(&p->vm, &word, addr, sizeof(word)) < 0)
        return -LINUX_EFAULT;
    uint64_t deadline = 0;
    if (utimeout) {
        int64_t ts[2];
        if (copy_from_user(&p->vm, ts, utimeout, sizeof(ts)) < 0)
            return -LINUX_EFAULT;
        if (ts[0] < 0 || ts[1] < 0 || ts[1] >= (int64_t)NS)
            return -LINUX_EINVAL;
        /* Every clock counts from boot here (syscall.c: clock_gettime). */
        uint64_t ns = (uint64_t)ts[0] * NS + (uint64_t)ts[1];
        deadline = absolute ? ns : kaal_time_ns() + ns;
        if (!deadline)
            deadline = 1;
    }
    if (word != val)
        return -LINUX_EAGAIN;
    if (deadline) {
        int64_t r = proc_sleep_until(p, deadline);
        if (r == 0)
            return -LINUX_ETIMEDOUT;
        if (r != SYS_BLOCKED)
            return r;
    }
    p->block = BLOCK_FUTEX;
    p->futex_addr = addr;
    p->futex_bitset = bitset;
    p->futex_seq = next_seq++;
    p->futex_woken = false;
    return SYS_BLOCKED;
}

/* FUTEX_WAKE_OP: *addr2 = op(*addr2, oparg); wake n on addr, and n2 on
 * addr2 if the old value meets the comparison (linux/futex.h encoding). */
static int64_t futex_wake_op(struct proc *p, uint64_t addr, int n, uint64_t addr2, int n2,
                             uint32_t code)
{
    unsigned op = (code >> 28) & 7, cmp = (code >> 24) & 15;
    int32_t oparg = (int32_t)(code << 8) >> 20, cmparg = (int32_t)(code << 20) >> 20;
    if (code & (8u << 28)) /* FUTEX_OP_OPARG_SHIFT */
        oparg = oparg >= 0 && oparg < 32 ? (int32_t)(1u << oparg) : 0;
    if (addr2 & 3)
        return -LINUX_EINVAL;
    int32_t old;
    if (copy_from_user(&p->vm, &old, addr2, 4) < 0)
        return -LINUX_EFAULT;
    int32_t nv;
    switch (op) {
    case 0: nv = oparg; break;       /* SET */
    case 1: nv = old + oparg; break; /* ADD */
    case 2: nv = old | oparg; break; /* OR */
    case 3: nv = old & ~oparg; break; /* ANDN */
    case 4: nv = old ^ oparg; break; /* XOR */
    default: return -LINUX_ENOSYS;
    }
    if (copy_to_user(&p->vm, addr2, &nv, 4) < 0)
        return -LINUX_EFAULT;
    bool hit;
    switch (cmp) {
    case 0: hit = old == cmparg; break;
    case 1: hit = old != cmparg; break;
    case 2: hit = old < cmparg; break;
    case 3: hit = old <= cmparg; break;
    case 4: hit = old > cmparg; break;
    case 5: hit = old >= cmparg; break;
    default: return -LINUX_ENOSYS;
    }
    int woken = futex_wake(&p->vm, addr, n, FUTEX_BITSET_MATCH_ANY);
    if (hit)
        woken += futex_wake(&p->vm, addr2, n2, FUTEX_BITSET_MATCH_ANY);
    return woken;
}

int64_t sys_futex(struct proc *p, const seL4_Word a[6])
{
    uint64_t addr = a[0], addr2 = a[4];
    unsigned cmd = (unsigned)a[1] & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    uint32_t val = (uint32_t)a[2], val3 = (uint32_t)a[5];
    int n = (int32_t)val < 0 ? INT32_MAX : (int)(int32_t)val;
    int n2 = (int32_t)a[3] < 0 ? INT32_MAX : (int)(int32_t)a[3]; /* val2, in the timeout slot */
    if (addr & 3)
        return -LINUX_EINVAL;
    switch (cmd) {
    case FUTEX_WAIT: return futex_wait(p, addr, val, a[3], false, FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAIT_BITSET:
        if (!val3)
            return -LINUX_EINVAL;
        return futex_wait(p, addr, val, a[3], true, val3);
    case FUTEX_WAKE: return futex_wake(&p->vm, addr, n, FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAKE_BITSET:
        if (!val3)
            return -LINUX_EINVAL;
        return futex_wake(&p->vm, addr, n, val3);
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE: {
        if (addr2 & 3)
            return -LINUX_EINVAL;
        if (cmd == FUTEX_CMP_REQUEUE) {
            uint32_t word;
            if (copy_from_user(&p->vm, &word, addr, 4) < 0)
                return -LINUX_EFAULT;
            if (word != val3)
                return -LINUX_EAGAIN;
        }
        int woken = futex_wake(&p->vm, addr, n, FUTEX_BITSET_MATCH_ANY);
        int moved = requeue(&p->vm, addr, addr2, n2);
        return cmd == FUTEX_CMP_REQUEUE ? woken + moved : woken;
    }
    case FUTEX_WAKE_OP: return futex_wake_op(p, addr, n, addr2, n2, val3);
    default: return -LINUX_ENOSYS; /* the PI and robust-lock operations */
    }
}
