// SPDX-License-Identifier: BSD-2-Clause
/*
 * The Linux x86_64 syscall table: number -> emulation. Files, pipes and
 * the tty are in file.c (sys_file); this file has memory (brk, mmap,
 * munmap, mprotect), processes (fork/clone, execve, exit, wait4, kill, ids),
 * signals (bookkeeping of rt_sigaction/rt_sigprocmask, rt_sigreturn),
 * identity (uname, uids) and time. A number with no emulation answers
 * -ENOSYS and is reported once (docs/posix.md lists every number's status).
 * Errors are negative Linux errnos, the one place they exist.
 */
#include "posix.h"

#include <kaal/heap.h>
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <kaal/timer.h>
#include <kaal/timing.h>

#define USER_SPACE_TOP 0x0000800000000000ul
#define CLONE_VM 0x100
#define CLONE_SIGHAND 0x800
#define CLONE_SETTLS 0x80000
#define CLONE_VFORK 0x4000
#define CLONE_THREAD 0x10000
#define CLONE_PARENT_SETTID 0x100000
#define CLONE_CHILD_CLEARTID 0x200000
#define CLONE_CHILD_SETTID 0x1000000
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define WNOHANG 1
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

static const struct {
    uint16_t nr;
    const char *name;
} names[] = {
    {0, "read"},
    {1, "write"},
    {2, "open"},
    {3, "close"},
    {4, "stat"},
    {5, "fstat"},
    {6, "lstat"},
    {7, "poll"},
    {8, "lseek"},
    {9, "mmap"},
    {10, "mprotect"},
    {11, "munmap"},
    {12, "brk"},
    {13, "rt_sigaction"},
    {14, "rt_sigprocmask"},
    {15, "rt_sigreturn"},
    {16, "ioctl"},
    {17, "pread64"},
    {18, "pwrite64"},
    {19, "readv"},
    {20, "writev"},
    {21, "access"},
    {22, "pipe"},
    {23, "select"},
    {24, "sched_yield"},
    {25, "mremap"},
    {26, "msync"},
    {27, "mincore"},
    {28, "madvise"},
    {29, "shmget"},
    {30, "shmat"},
    {31, "shmctl"},
    {32, "dup"},
    {33, "dup2"},
    {34, "pause"},
    {35, "nanosleep"},
    {36, "getitimer"},
    {37, "alarm"},
    {38, "setitimer"},
    {39, "getpid"},
    {40, "sendfile"},
    {41, "socket"},
    {42, "connect"},
    {43, "accept"},
    {44, "sendto"},
    {45, "recvfrom"},
    {46, "sendmsg"},
    {47, "recvmsg"},
    {48, "shutdown"},
    {49, "bind"},
    {50, "listen"},
    {51, "getsockname"},
    {52, "getpeername"},
    {53, "socketpair"},
    {54, "setsockopt"},
    {55, "getsockopt"},
    {56, "clone"},
    {57, "fork"},
    {58, "vfork"},
    {59, "execve"},
    {60, "exit"},
    {61, "wait4"},
    {62, "kill"},
    {63, "uname"},
    {64, "semget"},
    {65, "semop"},
    {66, "semctl"},
    {67, "shmdt"},
    {68, "msgget"},
    {69, "msgsnd"},
    {70, "msgrcv"},
    {71, "msgctl"},
    {72, "fcntl"},
    {73, "flock"},
    {74, "fsync"},
    {75, "fdatasync"},
    {76, "truncate"},
    {77, "ftruncate"},
    {78, "getdents"},
    {79, "getcwd"},
    {80, "chdir"},
    {81, "fchdir"},
    {82, "rename"},
    {83, "mkdir"},
    {84, "rmdir"},
    {85, "creat"},
    {86, "link"},
    {87, "unlink"},
    {88, "symlink"},
    {89, "readlink"},
    {90, "chmod"},
    {91, "fchmod"},
    {92, "chown"},
    {93, "fchown"},
    {94, "lchown"},
    {95, "umask"},
    {96, "gettimeofday"},
    {97, "getrlimit"},
    {98, "getrusage"},
    {99, "sysinfo"},
    {100, "times"},
    {101, "ptrace"},
    {102, "getuid"},
    {103, "syslog"},
    {104, "getgid"},
    {105, "setuid"},
    {106, "setgid"},
    {107, "geteuid"},
    {108, "getegid"},
    {109, "setpgid"},
    {110, "getppid"},
    {111, "getpgrp"},
    {112, "setsid"},
    {113, "setreuid"},
    {114, "setregid"},
    {115, "getgroups"},
    {116, "setgroups"},
    {117, "setresuid"},
    {118, "getresuid"},
    {119, "setresgid"},
    {120, "getresgid"},
    {121, "getpgid"},
    {122, "setfsuid"},
    {123, "setfsgid"},
    {124, "getsid"},
    {125, "capget"},
    {126, "capset"},
    {127, "rt_sigpending"},
    {128, "rt_sigtimedwait"},
    {129, "rt_sigqueueinfo"},
    {130, "rt_sigsuspend"},
    {131, "sigaltstack"},
    {132, "utime"},
    {133, "mknod"},
    {135, "personality"},
    {136, "ustat"},
    {137, "statfs"},
    {138, "fstatfs"},
    {139, "sysfs"},
    {140, "getpriority"},
    {141, "setpriority"},
    {142, "sched_setparam"},
    {143, "sched_getparam"},
    {144, "sched_setscheduler"},
    {145, "sched_getscheduler"},
    {146, "sched_get_priority_max"},
    {147, "sched_get_priority_min"},
    {148, "sched_rr_get_interval"},
    {149, "mlock"},
    {150, "munlock"},
    {151, "mlockall"},
    {152, "munlockall"},
    {153, "vhangup"},
    {157, "prctl"},
    {158, "arch_prctl"},
    {159, "adjtimex"},
    {160, "setrlimit"},
    {161, "chroot"},
    {162, "sync"},
    {163, "acct"},
    {164, "settimeofday"},
    {165, "mount"},
    {166, "umount2"},
    {167, "swapon"},
    {168, "swapoff"},
    {169, "reboot"},
    {170, "sethostname"},
    {171, "setdomainname"},
    {186, "gettid"},
    {200, "tkill"},
    {201, "time"},
    {202, "futex"},
    {203, "sched_setaffinity"},
    {204, "sched_getaffinity"},
    {213, "epoll_create"},
    {217, "getdents64"},
    {218, "set_tid_address"},
    {219, "restart_syscall"},
    {221, "fadvise64"},
    {222, "timer_create"},
    {228, "clock_gettime"},
    {229, "clock_getres"},
    {230, "clock_nanosleep"},
    {231, "exit_group"},
    {232, "epoll_wait"},
    {233, "epoll_ctl"},
    {234, "tgkill"},
    {235, "utimes"},
    {247, "waitid"},
    {253, "inotify_init"},
    {257, "openat"},
    {258, "mkdirat"},
    {259, "mknodat"},
    {260, "fchownat"},
    {261, "futimesat"},
    {262, "newfstatat"},
    {263, "unlinkat"},
    {264, "renameat"},
    {265, "linkat"},
    {266, "symlinkat"},
    {267, "readlinkat"},
    {268, "fchmodat"},
    {269, "faccessat"},
    {270, "pselect6"},
    {271, "ppoll"},
    {273, "set_robust_list"},
    {274, "get_robust_list"},
    {275, "splice"},
    {280, "utimensat"},
    {281, "epoll_pwait"},
    {283, "timerfd_create"},
    {284, "eventfd"},
    {285, "fallocate"},
    {288, "accept4"},
    {290, "eventfd2"},
    {291, "epoll_create1"},
    {292, "dup3"},
    {293, "pipe2"},
    {295, "preadv"},
    {296, "pwritev"},
    {302, "prlimit64"},
    {306, "syncfs"},
    {309, "getcpu"},
    {316, "renameat2"},
    {318, "getrandom"},
    {319, "memfd_create"},
    {322, "execveat"},
    {326, "copy_file_range"},
    {332, "statx"},
    {334, "rseq"},
    {435, "clone3"},
    {436, "close_range"},
    {439, "faccessat2"},
};

const char *syscall_name(seL4_Word nr)
{
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].nr == nr)
            return names[i].name;
    return "?";
}

static int64_t enosys(seL4_Word nr)
{
    static uint64_t reported[8]; /* numbers 0..511 */
    if (nr < 512 && !(reported[nr / 64] & (1ul << (nr % 64)))) {
        reported[nr / 64] |= 1ul << (nr % 64);
        printf("posix: syscall %lu (%s) not implemented: ENOSYS\n", (unsigned long)nr,
               syscall_name(nr));
    }
    return -LINUX_ENOSYS;
}

/* ---- memory ---- */

static int64_t sys_brk(struct proc *p, uint64_t want)
{
    struct mm *vm = p->vm.mm;
    if (want < vm->brk_start)
        return (int64_t)vm->brk;
    uint64_t old_end = PAGE_UP(vm->brk), new_end = PAGE_UP(want);
    if (new_end > old_end) {
        if (vm_find(&p->vm, old_end) || (new_end - old_end) / PAGE_SIZE > vm->max_pages)
            return (int64_t)vm->brk;
        if (vm_add_vma(&p->vm, old_end, new_end, PROT_READ | PROT_WRITE, VMA_ANON) < 0)
            return (int64_t)vm->brk;
    } else if (new_end < old_end) {
        vm_remove(&p->vm, new_end, old_end);
    }
    vm->brk = want;
    return (int64_t)want;
}

static int64_t sys_mmap(struct proc *p, const seL4_Word a[6])
{
    uint64_t addr = a[0], len = PAGE_UP(a[1]), flags = a[3];
    uint8_t prot = (uint8_t)(a[2] & 7);
    if (a[1] == 0 || (addr & (PAGE_SIZE - 1)) || (flags & (MAP_SHARED | MAP_PRIVATE)) == 0)
        return -LINUX_EINVAL;
    if (len == 0 || len > USER_SPACE_TOP - PAGE_SIZE)
        return -LINUX_ENOMEM; /* more than an address space (Linux: TASK_SIZE) */
    if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && addr > USER_SPACE_TOP - len)
        return -LINUX_EINVAL;
    if (!(flags & MAP_ANONYMOUS) && !fd_get(p, a[4]))
        return -LINUX_EBADF;
    if (!(flags & MAP_ANONYMOUS) || (flags & MAP_SHARED))
        return -LINUX_ENODEV; /* file and shared mappings: future work (docs/posix.md) */
    struct vmspace *vm = &p->vm;
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        if (flags & MAP_FIXED_NOREPLACE)
            for (uint64_t va = addr; va < addr + len; va += PAGE_SIZE)
                if (vm_find(vm, va))
                    return -LINUX_EEXIST;
    } else {
        struct mm *mm = vm->mm;
        addr = mm->mmap_top - len;
        while (addr > mm->brk && (vm_find(vm, addr) || vm_find(vm, addr + len - 1)))
            addr -= PAGE_SIZE;
        mm->mmap_top = addr;
    }
    int r = vm_add_vma(vm, addr, addr + len, prot, VMA_ANON);
    return r < 0 ? r : (int64_t)addr;
}

/* ---- processes ---- */

/* clone with CLONE_THREAD: a thread of p's process. Linux requires
 * CLONE_SIGHAND with it and CLONE_VM with that; the fs and files parts are
 * shared whatever the flags say (docs/posix.md). */
static int64_t sys_clone_thread(struct proc *p, const seL4_Word a[6])
{
    uint64_t flags = a[0], stack = a[1], ptid = a[2], ctid = a[3], tls = a[4];
    if (!(flags & CLONE_SIGHAND) || !(flags & CLONE_VM))
        return -LINUX_EINVAL;
    struct proc *t = proc_new_thread(p, stack, flags & CLONE_SETTLS, tls);
    if (!t)
        return -LINUX_EAGAIN;
    if (flags & CLONE_PARENT_SETTID)
        copy_to_user(&p->vm, ptid, &t->tid, sizeof(int));
    if (flags & CLONE_CHILD_SETTID)
        copy_to_user(&p->vm, ctid, &t->tid, sizeof(int));
    if (flags & CLONE_CHILD_CLEARTID)
        t->clear_child_tid = ctid;
    return t->tid;
}

static int64_t sys_fork(struct proc *p, uint64_t flags, uint64_t ctid)
{
    if ((flags & CLONE_VM) && !(flags & CLONE_VFORK))
        return -LINUX_ENOSYS; /* CLONE_VM without a thread or vfork (docs/posix.md) */
    struct proc *c = proc_new(p->pid);
    if (!c)
        return -LINUX_EAGAIN;
    c->pgid = p->pgid;
    c->sid = p->sid;
    c->umask = p->umask;
    c->fs_base = p->fs_base;
    memcpy(c->cwd, p->cwd, sizeof(c->cwd));
    memcpy(c->act, p->act, sizeof(c->act));
    memcpy(c->comm, p->comm, sizeof(c->comm));
    memcpy(c->exe, p->exe, sizeof(c->exe));
    c->sigmask = p->sigmask;
    int r = vm_copy(&c->vm, &p->vm);
    if (r == 0)
        fd_copy(c, p);
    if (r == 0 && (flags & CLONE_CHILD_SETTID))
        copy_to_user(&c->vm, ctid, &c->pid, sizeof(int));
    if (r == 0 && (flags & CLONE_CHILD_CLEARTID))
        c->clear_child_tid = ctid;
    if (r == 0)
        r = proc_fork_thread(c, p);
    if (r < 0) {
        proc_exit(c, 0);
        proc_reap(c);
        return r == -LINUX_ENOMEM ? -LINUX_ENOMEM : -LINUX_EAGAIN;
    }
    return c->pid;
}

static bool wait_matches(const struct proc *c, const struct proc *p, int64_t pid)
{
    if (c->state == PROC_FREE || c->ppid != p->pid || !proc_is_leader(c))
        return false;
    if (pid > 0)
        return c->pid == pid;
    if (pid == 0)
        return c->pgid == p->pgid;
    if (pid < -1)
        return c->pgid == -pid;
    return true;
}

#define WUNTRACED 2 /* waitid: WSTOPPED */
#define WEXITED 4
#define WCONTINUED 8
#define WNOWAIT 0x01000000
#define WAIT_THREAD_FLAGS 0xe0000000u /* __WNOTHREAD, __WALL, __WCLONE: no effect */
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

/* What a wait reports of a child: its pid, the wait4 status word and the
 * waitid si_code / si_status. */
struct wait_event {
    int pid, status, code, si_status;
};

/* The first child matching pid (wait4's meaning) with an event options
 * asks for (WEXITED, WUNTRACED, WCONTINUED), consumed unless WNOWAIT: 1;
 * 0: children match but have nothing to report; -ECHILD: none matches. */
static int wait_event(struct proc *p, int64_t pid, uint64_t options, struct wait_event *ev)
{
    bool any = false;
    for (unsigned i = 0; i < MAX_PROCS; i++) {
        struct proc *c = &procs[i];
        if (!wait_matches(c, p, pid))
            continue;
        any = true;
        bool keep = options & WNOWAIT;
        ev->pid = c->pid;
        if (c->state == PROC_ZOMBIE && (options & WEXITED)) {
            int st = c->exit_status, sig = st & 0x7f;
            ev->status = st;
            ev->code = sig == 0 ? CLD_EXITED : (st & 0x80) ? CLD_DUMPED : CLD_KILLED;
            ev->si_status = sig == 0 ? (st >> 8) & 0xff : sig;
            if (!keep)
                proc_reap(c);
            return 1;
        }
        if (c->state == PROC_ZOMBIE)
            continue;
        if ((options & WUNTRACED) && c->stopped && c->stop_report) {
            ev->status = (c->stop_sig << 8) | 0x7f;
            ev->code = CLD_STOPPED;
            ev->si_status = c->stop_sig;
            c->stop_report = keep;
            return 1;
        }
        if ((options & WCONTINUED) && c->cont_report) {
            ev->status = 0xffff;
            ev->code = CLD_CONTINUED;
            ev->si_status = 18; /* SIGCONT */
            c->cont_report = keep;
            return 1;
        }
    }
    return any ? 0 : -LINUX_ECHILD;
}

static int64_t sys_wait4(struct proc *p, int64_t pid, uint64_t ustatus, uint64_t options)
{
    if (options & ~(uint64_t)(WNOHANG | WUNTRACED | WCONTINUED | WAIT_THREAD_FLAGS))
        return -LINUX_EINVAL;
    struct wait_event ev;
    int r = wait_event(p, pid, options | WEXITED, &ev);
    if (r < 0)
        return r;
    if (r == 0)
        return (options & WNOHANG) ? 0 : SYS_BLOCKED;
    /* As Linux: the child is reaped even when the status cannot be stored. */
    if (ustatus && copy_to_user(&p->vm, ustatus, &ev.status, sizeof(ev.status)) < 0)
        return -LINUX_EFAULT;
    return ev.pid;
}

/* waitid(idtype, id, infop, options): P_ALL, P_PID, P_PGID. */
static int64_t sys_waitid(struct proc *p, uint64_t idtype, int64_t id, uint64_t uinfo,
                          uint64_t options)
{
    if ((options & ~(uint64_t)(WNOHANG | WUNTRACED | WEXITED | WCONTINUED | WNOWAIT |
                               WAIT_THREAD_FLAGS)) ||
        !(options & (WUNTRACED | WEXITED | WCONTINUED)))
        return -LINUX_EINVAL;
    int64_t pid;
    switch (idtype) {
    case 0: pid = -1; break;                          /* P_ALL */
    case 1: if (id <= 0) return -LINUX_EINVAL; pid = id; break; /* P_PID */
    case 2: if (id < 0) return -LINUX_EINVAL; pid = -id; break; /* P_PGID (0: own) */
    default: return -LINUX_EINVAL;
    }
    struct wait_event ev;
    int r = wait_event(p, pid, options, &ev);
    if (r < 0)
        return r;
    if (r == 0 && !(options & WNOHANG))
        return SYS_BLOCKED;
    /* siginfo: si_signo, si_errno, si_code, then si_pid, si_uid, si_status
     * at 16 (all zero for WNOHANG with nothing to report). */
    int32_t si[7] = {0};
    if (r == 1) {
        si[0] = 17; /* SIGCHLD */
        si[2] = ev.code;
        si[4] = ev.pid;
        si[6] = ev.si_status;
    }
    if (uinfo && copy_to_user(&p->vm, uinfo, si, sizeof(si)) < 0)
        return -LINUX_EFAULT;
    return 0;
}

static int64_t sys_kill(struct proc *p, int64_t pid, int64_t sig)
{
    if (sig < 0 || sig > NSIG)
        return -LINUX_EINVAL;
    int n = 0;
    for (unsigned i = 0; i < MAX_PROCS; i++) {
        struct proc *t = &procs[i];
        if ((t->state != PROC_RUNNING && t->state != PROC_BLOCKED) || !proc_is_leader(t))
            continue;
        bool hit = pid > 0     ? t->pid == pid
                   : pid == 0  ? t->pgid == p->pgid
                   : pid == -1 ? t->pid != 1 && t->pid != p->pid
                               : t->pgid == -pid;
        if (!hit)
            continue;
        n++;
        if (sig)
            proc_signal(t, (int)sig);
    }
    if (!n)
        return -LINUX_ESRCH;
    return p->state != PROC_RUNNING ? SYS_NO_REPLY : 0;
}

/* tkill / tgkill: a signal to one thread (tgid -1: any process). */
static int64_t sys_tgkill(struct proc *p, int64_t tgid, int64_t tid, int64_t sig)
{
    if (sig < 0 || sig > NSIG || tid <= 0 || tgid == 0 || tgid < -1)
        return -LINUX_EINVAL;
    struct proc *t = proc_by_tid((int)tid);
    if (!t || (tgid > 0 && t->pid != tgid))
        return -LINUX_ESRCH;
    if (sig)
        proc_signal(t, (int)sig);
    return p->state != PROC_RUNNING ? SYS_NO_REPLY : 0;
}

/* setpgid as Linux checks it: the caller or its child, not a session
 * leader, into its own new group or a group of the caller's session. */
static int64_t sys_setpgid(struct proc *p, int64_t pid, int64_t pgid)
{
    if (pid < 0 || pgid < 0)
        return -LINUX_EINVAL;
    struct proc *t = pid == 0 || pid == p->pid ? proc_by_pid(p->pid) : proc_by_pid((int)pid);
    if (!t || (t->pid != p->pid && t->ppid != p->pid))
        return -LINUX_ESRCH;
    if (t->sid == t->pid || (t->pid != p->pid && t->sid != p->sid))
        return -LINUX_EPERM;
    int want = pgid == 0 ? t->pid : (int)pgid;
    if (want != t->pid) {
        bool found = false;
        for (unsigned i = 0; i < MAX_PROCS && !found; i++)
            found = procs[i].state != PROC_FREE && procs[i].state != PROC_ZOMBIE &&
                    procs[i].pgid == want && procs[i].sid == p->sid;
        if (!found)
            return -LINUX_EPERM;
    }
    t->pgid = want;
    return 0;
}

static int64_t sys_uname(struct proc *p, uint64_t buf)
{
    static char u[6][65];
    memset(u, 0, sizeof(u));
    snprintf(u[0], sizeof(u[0]), "%s", "KaaL");
    snprintf(u[1], sizeof(u[1]), "%s", "kaal");
    snprintf(u[2], sizeof(u[2]), "%s", "0.1.0");
    snprintf(u[3], sizeof(u[3]), "%s", "#1 KaaL POSIX server");
    snprintf(u[4], sizeof(u[4]), "%s", "x86_64");
    snprintf(u[5], sizeof(u[5]), "%s", "(none)");
    return copy_to_user(&p->vm, buf, u, sizeof(u)) < 0 ? -LINUX_EFAULT : 0;
}

static int64_t sys_arch_prctl(struct proc *p, uint64_t code, uint64_t addr)
{
    switch (code) {
    case ARCH_SET_FS: {
        if (addr >= 0x0000800000000000ul)
            return -LINUX_EPERM;
        seL4_UserContext ctx;
        if (seL4_TCB_ReadRegisters(mem_cap(p->tcb), 0, 0, sizeof(ctx) / sizeof(seL4_Word), &ctx) !=
            seL4_NoError)
            return -LINUX_EINVAL;
        ctx.fs_base = addr;
        if (seL4_TCB_WriteRegisters(mem_cap(p->tcb), 0, 0, sizeof(ctx) / sizeof(seL4_Word), &ctx) !=
            seL4_NoError)
            return -LINUX_EINVAL;
        p->fs_base = addr;
        return 0;
    }
    case ARCH_GET_FS: return copy_to_user(&p->vm, addr, &p->fs_base, 8) < 0 ? -LINUX_EFAULT : 0;
    default: return -LINUX_EINVAL;
    }
}

/* ---- time: kaal_time_ns (the TSC at the rate the kernel measured) ---- */

#define NS 1000000000ull

static int64_t sys_clock_gettime(struct proc *p, uint64_t clk, uint64_t ts)
{
    if (clk > 11)
        return -LINUX_EINVAL;
    uint64_t t = kaal_time_ns(); /* REALTIME too: no wall clock yet (boot = 1970) */
    int64_t v[2] = {(int64_t)(t / NS), (int64_t)(t % NS)};
    return copy_to_user(&p->vm, ts, v, sizeof(v)) < 0 ? -LINUX_EFAULT : 0;
}

/* nanosleep / clock_nanosleep: a deadline, kept across retries of the
 * blocked call (p->deadline_ns). */
static int64_t sys_nanosleep(struct proc *p, uint64_t req, bool absolute)
{
    if (p->state != PROC_BLOCKED) {
        int64_t ts[2];
        if (copy_from_user(&p->vm, ts, req, sizeof(ts)) < 0)
            return -LINUX_EFAULT;
        if (ts[0] < 0 || ts[1] < 0 || ts[1] >= (int64_t)NS)
            return -LINUX_EINVAL;
        uint64_t ns = (uint64_t)ts[0] * NS + (uint64_t)ts[1];
        uint64_t deadline = absolute ? ns : kaal_time_ns() + ns;
        return proc_sleep_until(p, deadline ? deadline : 1);
    }
    return proc_sleep_until(p, p->deadline_ns);
}

/* ---- signals ---- */

static int64_t sys_rt_sigaction(struct proc *p, uint64_t sig, uint64_t act, uint64_t old)
{
    if (sig < 1 || sig > NSIG || ((sig == 9 || sig == 19) && act))
        return -LINUX_EINVAL;
    if (old && copy_to_user(&p->vm, old, &p->act[sig], sizeof(struct k_sigaction)) < 0)
        return -LINUX_EFAULT;
    if (act) {
        struct k_sigaction k;
        if (copy_from_user(&p->vm, &k, act, sizeof(k)) < 0)
            return -LINUX_EFAULT;
        p->act[sig] = k;
    }
    return 0;
}

static int64_t sys_rt_sigprocmask(struct proc *p, uint64_t how, uint64_t set, uint64_t old)
{
    uint64_t prev = p->sigmask;
    if (set) {
        uint64_t s;
        if (copy_from_user(&p->vm, &s, set, 8) < 0)
            return -LINUX_EFAULT;
        s &= ~((1ul << 8) | (1ul << 18)); /* SIGKILL, SIGSTOP */
        if (how == 0)
            p->sigmask |= s;
        else if (how == 1)
            p->sigmask &= ~s;
        else if (how == 2)
            p->sigmask = s;
        else
            return -LINUX_EINVAL;
    }
    if (old && copy_to_user(&p->vm, old, &prev, 8) < 0)
        return -LINUX_EFAULT;
    return 0;
}

#define RLIMIT_STACK 3
#define RLIMIT_NOFILE 7
#define RLIM_NLIMITS 16

/* getrlimit/setrlimit/prlimit64 (of the caller: pid 0 or its own): the
 * stack's 8 MiB and RLIMIT_NOFILE (at most MAX_FDS, enforced by the fd
 * table); the others unlimited, a new value accepted and not kept. */
static int64_t sys_prlimit(struct proc *p, int64_t pid, uint64_t resource, uint64_t new_lim,
                           uint64_t old)
{
    if (resource >= RLIM_NLIMITS)
        return -LINUX_EINVAL;
    if (pid != 0 && pid != p->pid)
        return proc_by_pid((int)pid) ? -LINUX_EPERM : -LINUX_ESRCH;
    uint64_t lim[2] = {~0ul, ~0ul};
    if (resource == RLIMIT_STACK)
        lim[0] = lim[1] = 8ul << 20;
    else if (resource == RLIMIT_NOFILE)
        lim[0] = p->files->nofile_soft, lim[1] = p->files->nofile_hard;
    uint64_t want[2];
    if (new_lim) {
        if (copy_from_user(&p->vm, want, new_lim, sizeof(want)) < 0)
            return -LINUX_EFAULT;
        if (want[0] > want[1])
            return -LINUX_EINVAL;
        if (resource == RLIMIT_NOFILE && want[1] > MAX_FDS && want[1] != lim[1])
            return -LINUX_EPERM; /* beyond what the fd table holds */
    }
    if (old && copy_to_user(&p->vm, old, lim, sizeof(lim)) < 0)
        return -LINUX_EFAULT;
    if (new_lim && resource == RLIMIT_NOFILE) {
        p->files->nofile_soft = (uint32_t)(want[0] < MAX_FDS ? want[0] : MAX_FDS);
        p->files->nofile_hard = (uint32_t)(want[1] < MAX_FDS ? want[1] : MAX_FDS);
    }
    return 0;
}

/* setreuid/setresuid/setregid/setresgid: everyone is root here; -1 (keep)
 * and 0 are the ids there are. */
static int64_t sys_setids(const seL4_Word a[6], int n)
{
    for (int i = 0; i < n; i++)
        if ((uint32_t)a[i] != 0 && (uint32_t)a[i] != UINT32_MAX)
            return -LINUX_EPERM;
    return 0;
}

/* sysinfo: RAM is the process pool (what `free` shows), uptime from the
 * TSC. sharedram = the pages live processes hold, bufferram = the window's
 * paging structures: free + shared + buffer = total, always (the leak
 * check of tests/system/test_posix.py). */
static int64_t sys_sysinfo(struct proc *p, uint64_t buf)
{
    struct {
        int64_t uptime;
        uint64_t loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
        uint16_t procs, pad;
        uint32_t pad2;
        uint64_t totalhigh, freehigh;
        uint32_t mem_unit;
        char reserved[4];
    } si;
    _Static_assert(sizeof(si) == 112, "Linux struct sysinfo");
    memset(&si, 0, sizeof(si));
    si.uptime = (int64_t)(kaal_time_ns() / NS);
    si.totalram = (uint64_t)POOL_PAGES * PAGE_SIZE;
    si.freeram = (uint64_t)mem_free_pages() * PAGE_SIZE;
    uint64_t held = 0;
    for (unsigned i = 0; i < MAX_PROCS; i++) {
        const struct proc *q = &procs[i];
        si.procs += q->state != PROC_FREE;
        if (q->state != PROC_RUNNING && q->state != PROC_BLOCKED)
            continue;
        held += (q->tcb != PAGE_NONE) + (q->cnode != PAGE_NONE);
        if (proc_is_leader(q)) /* the address space once, with its leader */
            held += q->vm.mm->n_pages + q->vm.mm->n_tables + 1;
    }
    held -= vm_shared_mappings(); /* a page fork shares is held once */
    si.sharedram = held * PAGE_SIZE;
    si.bufferram = (uint64_t)mem_window_table_pages() * PAGE_SIZE;
    si.mem_unit = 1;
    return copy_to_user(&p->vm, buf, &si, sizeof(si)) < 0 ? -LINUX_EFAULT : 0;
}

static int64_t sys_prctl(struct proc *p, uint64_t op, uint64_t arg)
{
    switch (op) {
    case 15: { /* PR_SET_NAME */
        char name[16];
        int64_t n = strncpy_from_user(&p->vm, name, arg, sizeof(name));
        if (n == -LINUX_EFAULT)
            return n;
        name[15] = 0;
        memcpy(p->comm, name, sizeof(name));
        return 0;
    }
    case 16: /* PR_GET_NAME */
        return copy_to_user(&p->vm, arg, p->comm, sizeof(p->comm)) < 0 ? -LINUX_EFAULT : 0;
    default: return -LINUX_EINVAL;
    }
}

static int64_t sys_getrandom(struct proc *p, uint64_t buf, uint64_t n)
{
    uint8_t r[16];
    if (n > 256)
        n = 256; /* short reads are allowed (and rare callers ask more) */
    for (uint64_t off = 0; off < n; off += 16) {
        posix_random(r);
        size_t k = n - off < 16 ? n - off : 16;
        if (copy_to_user(&p->vm, buf + off, r, k) < 0)
            return -LINUX_EFAULT;
    }
    return (int64_t)n;
}

int64_t posix_syscall(struct proc *p, seL4_Word nr, const seL4_Word a[6])
{
    bool handled;
    int64_t r = sys_file(p, nr, a, &handled);
    if (handled)
        return r;
    r = sys_socket(p, nr, a, &handled); /* socket.c */
    if (handled)
        return r;
    r = sys_poll(p, nr, a, &handled); /* poll.c */
    if (handled)
        return r;
    switch (nr) {
    case 9: return sys_mmap(p, a);
    case 10: {
        /* PROT_SEM and PROT_GROWSDOWN/UP are accepted (no effect), other bits are not */
        if ((a[0] & (PAGE_SIZE - 1)) || a[1] > USER_SPACE_TOP || a[0] > USER_SPACE_TOP - a[1] ||
            (a[2] & ~(uint64_t)(7 | 8 | 0x01000000 | 0x02000000)))
            return -LINUX_EINVAL;
        uint64_t end = a[0] + PAGE_UP(a[1]);
        for (uint64_t va = a[0]; va < end;) { /* every page mapped, else ENOMEM */
            struct vma *v = vm_find(&p->vm, va);
            if (!v)
                return -LINUX_ENOMEM;
            va = v->end;
        }
        return vm_protect(&p->vm, a[0], end, (uint8_t)(a[2] & 7));
    }
    case 11:
        if ((a[0] & (PAGE_SIZE - 1)) || a[1] == 0 || a[1] > USER_SPACE_TOP ||
            a[0] > USER_SPACE_TOP - a[1])
            return -LINUX_EINVAL;
        vm_remove(&p->vm, a[0], a[0] + PAGE_UP(a[1]));
        return 0;
    case 12: return sys_brk(p, a[0]);
    case 13: /* the sigset is 8 bytes on x86_64: any other sigsetsize is EINVAL */
        return a[3] != 8 ? -LINUX_EINVAL : sys_rt_sigaction(p, a[0], a[1], a[2]);
    case 14: return a[3] != 8 ? -LINUX_EINVAL : sys_rt_sigprocmask(p, a[0], a[1], a[2]);
    case 15: return proc_sigreturn(p);
    case 24: return 0; /* sched_yield: the reply is the yield */
    case 28: return 0; /* madvise: advice only */
    case 39: return p->pid;
    case 56:
        if (a[0] & CLONE_THREAD)
            return sys_clone_thread(p, a);
        return sys_fork(p, a[0], a[3]);
    case 57:
    case 58: return sys_fork(p, 0, 0);
    case 59: return sys_execve(p, a[0], a[1], a[2]);
    case 60: proc_thread_exit(p, (int)((a[0] & 0xff) << 8)); return SYS_NO_REPLY;
    case 231: proc_exit(p, (int)((a[0] & 0xff) << 8)); return SYS_NO_REPLY;
    case 61: return sys_wait4(p, (int32_t)a[0], a[1], a[2]);
    case 247: return sys_waitid(p, a[0], (int32_t)a[1], a[2], a[3]);
    case 34: return SYS_BLOCKED; /* pause: until a signal's EINTR (proc_signal) */
    case 62: return sys_kill(p, (int32_t)a[0], (int32_t)a[1]);
    case 63: return sys_uname(p, a[0]);
    case 35: return sys_nanosleep(p, a[0], false);
    case 127: /* rt_sigpending */
        return copy_to_user(&p->vm, a[0], &p->sigpending, 8) < 0 ? -LINUX_EFAULT : 0;
    case 131: { /* sigaltstack: no alternate stacks yet; reports SS_DISABLE */
        if (a[0])
            return -LINUX_ENOMEM;
        uint64_t ss[3] = {0, 2, 0};
        return a[1] && copy_to_user(&p->vm, a[1], ss, sizeof(ss)) < 0 ? -LINUX_EFAULT : 0;
    }
    case 229: { /* clock_getres: the TSC counts nanoseconds or finer */
        int64_t res[2] = {0, 1};
        if (a[0] > 11)
            return -LINUX_EINVAL;
        return a[1] && copy_to_user(&p->vm, a[1], res, sizeof(res)) < 0 ? -LINUX_EFAULT : 0;
    }
    case 100: { /* times: no CPU accounting yet (zeros); the result is uptime in ticks */
        uint64_t z[4] = {0, 0, 0, 0};
        if (a[0] && copy_to_user(&p->vm, a[0], z, sizeof(z)) < 0)
            return -LINUX_EFAULT;
        return (int64_t)(kaal_time_ns() / (NS / 100));
    }
    case 230:
        if (a[0] > 11)
            return -LINUX_EINVAL;
        return sys_nanosleep(p, a[2], a[1] & 1);
    case 96: {
        uint64_t t = kaal_time_ns();
        int64_t tv[2] = {(int64_t)(t / NS), (int64_t)(t % NS / 1000)};
        return a[0] && copy_to_user(&p->vm, a[0], tv, sizeof(tv)) < 0 ? -LINUX_EFAULT : 0;
    }
    case 97: return sys_prlimit(p, 0, a[0], 0, a[1]);
    case 102:
    case 104:
    case 107:
    case 108: return 0; /* uid 0, gid 0 */
    case 105:
    case 106: return a[0] == 0 ? 0 : -LINUX_EPERM;
    case 109: return sys_setpgid(p, (int32_t)a[0], (int32_t)a[1]);
    case 110: return p->ppid;
    case 111: return p->pgid;
    case 112:
        if (p->pgid == p->pid)
            return -LINUX_EPERM;
        p->sid = p->pgid = p->pid;
        return p->sid;
    case 115: return (int32_t)a[0] < 0 ? -LINUX_EINVAL : 0; /* getgroups: none */
    case 113:
    case 114: return sys_setids(a, 2);
    case 117:
    case 119: return sys_setids(a, 3);
    case 118:
    case 120: {
        uint32_t z = 0;
        for (int i = 0; i < 3; i++)
            if (copy_to_user(&p->vm, a[i], &z, 4) < 0)
                return -LINUX_EFAULT;
        return 0;
    }
    case 121: {
        struct proc *t = a[0] ? proc_by_pid((int)a[0]) : p;
        return t ? t->pgid : -LINUX_ESRCH;
    }
    case 124: {
        struct proc *t = a[0] ? proc_by_pid((int)a[0]) : p;
        return t ? t->sid : -LINUX_ESRCH;
    }
    case 158: return sys_arch_prctl(p, a[0], a[1]);
    case 160: return sys_prlimit(p, 0, a[0], a[1], 0);
    case 186: return p->tid;
    case 200: return sys_tgkill(p, -1, (int32_t)a[0], (int32_t)a[1]);
    case 234: return sys_tgkill(p, (int32_t)a[0], (int32_t)a[1], (int32_t)a[2]);
    case 202: return sys_futex(p, a);
    case 204: { /* sched_getaffinity: one CPU */
        uint64_t mask = 1;
        if (a[1] < sizeof(mask) || (a[1] & 7))
            return -LINUX_EINVAL;
        if (a[0] && !proc_by_tid((int)a[0]))
            return -LINUX_ESRCH;
        return copy_to_user(&p->vm, a[2], &mask, sizeof(mask)) < 0 ? -LINUX_EFAULT
                                                                   : (int64_t)sizeof(mask);
    }
    case 40: return -LINUX_EINVAL; /* sendfile: callers fall back to read/write */
    case 201: {
        int64_t t = (int64_t)(kaal_time_ns() / NS);
        return a[0] && copy_to_user(&p->vm, a[0], &t, 8) < 0 ? -LINUX_EFAULT : t;
    }
    case 218: p->clear_child_tid = a[0]; return p->tid;
    case 228: return sys_clock_gettime(p, a[0], a[1]);
    case 273: /* set_robust_list: recorded nowhere (no lock is robust here) */
        return a[1] == 24 ? 0 : -LINUX_EINVAL;
    case 99: return sys_sysinfo(p, a[0]);
    case 157: return sys_prctl(p, a[0], a[1]);
    case 318: return sys_getrandom(p, a[0], a[1]);
    case 302: return sys_prlimit(p, (int32_t)a[0], a[1], a[2], a[3]);
    default: return enosys(nr);
    }
}
