/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The POSIX server's shared state (private to services/posix): memory pool
 * and windows (mem.c), address spaces (vm.c), processes (proc.c), files,
 * pipes and the tty (file.c, tty.c), the loader (exec.c) and the syscall
 * table (syscall.c). One thread runs all of it (main.c), so nothing here is
 * locked; every process is touched only between two Recvs.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/elf.h>
#include <kaal/linux_errno.h>
#include <kaal/vfs.h>
#include <sel4/sel4.h>

#define PAGE_SIZE 4096ul
#define PAGE_BITS 12
#define PAGE_DOWN(a) ((a) & ~(PAGE_SIZE - 1))
#define PAGE_UP(a) (((a) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

/* ---- the memory pool (mem.c) ------------------------------------------- */

/* The "pool" untyped split into POOL_PAGES untypeds of 4 KiB. Page i has
 * three fixed slots: its untyped, the one object made from it, and a copy
 * of that object's cap (a frame is mapped twice: in the process and in the
 * server's window, and seL4 maps a frame cap only once). Freeing deletes
 * the object and copy; the untyped then has no children and the next
 * retype starts at offset 0 again, so a page is never lost. */
#define POOL_PAGES 16384u
#define PAGE_NONE UINT32_MAX

typedef uint32_t page_t;

void mem_init(void);
/* A page-sized object of `type` (frame, paging structure, TCB, CNode of
 * <= 2^7 slots, ...); PAGE_NONE when the pool is empty. */
page_t mem_alloc(seL4_Word type, seL4_Word size_bits);
void mem_free(page_t p);
seL4_CPtr mem_cap(page_t p);      /* the object */
seL4_CPtr mem_copy_cap(page_t p); /* a second cap to it, made on first use */
/* The frame mapped read-write in the server's window (made on first use). */
uint8_t *mem_window(page_t p);
/* One more cap to frame p, in a slot of its own (another process maps the
 * frame: fork's shared pages); 0 when no slot is left. */
seL4_CPtr mem_extra_cap(page_t p);
/* Deletes such a cap (unmapping it) and frees its slot; before mem_free. */
void mem_extra_free(seL4_CPtr slot);
uint32_t mem_free_pages(void);
uint32_t mem_window_table_pages(void);
/* Slots for saved reply caps, one per process slot. */
seL4_CPtr mem_reply_slot(unsigned proc_index);
/* The slot of the badged notification cap the timer signals. */
seL4_CPtr mem_timer_slot(void);

/* ---- address spaces (vm.c) ---------------------------------------------- */

#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4

enum vma_kind { VMA_ANON, VMA_IMAGE };

struct vma {
    uint64_t start, end; /* page aligned */
    uint8_t prot;        /* PROT_* */
    uint8_t kind;        /* enum vma_kind */
};

/* The program image a process runs: a VFS fd to read its pages from on
 * demand, and its PT_LOAD segments (at their final addresses). Shared by
 * fork, freed with its last process. */
struct image {
    int refs;
    int vfs_fd;
    unsigned n_segments;
    kaal_elf_segment_t segments[KAAL_ELF_MAX_SEGMENTS];
};

#define MAX_VMAS 128

/* An address space, shared by the threads of a process (refs: the thread
 * entries holding it); exec makes a new one, fork a copy. */
struct mm {
    int refs;
    page_t pml4;
    uint64_t *pt_root; /* the server's record: 4-level radix of page_t + 1 */
    page_t *tables;    /* paging structures made for this VSpace */
    unsigned n_tables, cap_tables;
    struct vma vmas[MAX_VMAS];
    unsigned n_vmas;
    struct image *image;
    uint32_t n_pages; /* frames mapped (the quota counts these and tables) */
    uint32_t max_pages;
    uint64_t brk_start, brk;
    uint64_t mmap_top; /* next mmap address, growing down */
};

/* A thread's handle on its process's address space: every vm_* and
 * copy_*_user function takes one (`&p->vm`). */
struct vmspace {
    struct mm *mm;
};

/* A new empty address space in vm (refs 1). */
int vm_create(struct vmspace *vm, uint32_t max_pages);
/* Drops vm's reference; the last one frees every page and table. */
void vm_destroy(struct vmspace *vm);
/* Another thread's handle on the same address space. */
void vm_share(struct vmspace *to, const struct vmspace *from);
/* Adds [start, end) (page aligned); merges nothing, splits what it covers. */
int vm_add_vma(struct vmspace *vm, uint64_t start, uint64_t end, uint8_t prot, uint8_t kind);
/* Unmaps and frees [start, end) and drops the VMAs there. */
void vm_remove(struct vmspace *vm, uint64_t start, uint64_t end);
int vm_protect(struct vmspace *vm, uint64_t start, uint64_t end, uint8_t prot);
struct vma *vm_find(struct vmspace *vm, uint64_t addr);
/* Services a fault at addr (write: a write access): 0, or -LINUX_EFAULT
 * (no mapping allows it), -LINUX_ENOMEM. */
int vm_fault(struct vmspace *vm, uint64_t addr, bool write);
/* The server's address of user byte addr, faulting the page in (as a read,
 * or a write); NULL if the process may not access it so. */
uint8_t *vm_user_ptr(struct vmspace *vm, uint64_t addr, bool write);
int copy_from_user(struct vmspace *vm, void *dst, uint64_t src, size_t n);
int copy_to_user(struct vmspace *vm, uint64_t dst, const void *src, size_t n);
/* A NUL-terminated string of at most max - 1 bytes: its length, or
 * -LINUX_EFAULT / -LINUX_ENAMETOOLONG. */
int64_t strncpy_from_user(struct vmspace *vm, char *dst, uint64_t src, size_t max);
/* Every page and VMA of from into the empty to (fork): pages shared
 * copy-on-write (vm.c). */
int vm_copy(struct vmspace *to, struct vmspace *from);
/* Mappings of process pages beyond each page's first (shared by fork). */
uint32_t vm_shared_mappings(void);

/* ---- files (file.c, tty.c) ---------------------------------------------- */

enum file_kind { FILE_VFS, FILE_TTY, FILE_PIPE_READ, FILE_PIPE_WRITE, FILE_SOCKET, FILE_EPOLL };

#define PIPE_BYTES 65536u /* Linux's default capacity */

struct pipe {
    uint8_t buf[PIPE_BYTES];
    uint32_t head, n; /* n bytes from head */
    int readers, writers;
};

/* An open file description, shared by dup and fork (refs). */
struct file {
    int refs;
    int kind;
    int vfs_fd; /* FILE_VFS: the VFS server's fd */
    int flags;  /* O_* status flags (O_APPEND, O_NONBLOCK, access mode) */
    bool is_dir;
    struct pipe *pipe;
    char *path;         /* FILE_VFS directories: for fchdir */
    struct psock *sock; /* FILE_SOCKET (socket.c) */
    struct epoll *ep;   /* FILE_EPOLL (poll.c) */
};

/* Set when something a blocked syscall may wait for happened (pipe data
 * or room, a pipe end closed, a child exited, tty input). */
extern bool posix_wake;

struct file *file_get(struct file *f);
struct proc;
/* The open file at fd of p, NULL if none. */
struct file *fd_get(struct proc *p, uint64_t fd);
/* Closes fd of p (EBADF if not open): 0 or -errno. */
int fd_close(struct proc *p, uint64_t fd);
void file_put(struct file *f);
struct file *new_file(int kind);

/* ---- processes (proc.c) ------------------------------------------------- */

#define MAX_PROCS 64
/* A process's fault badge: this bit | (table index + 1). Without it the
 * word is the bound notification's (ring bits, all below bit 62); a
 * notification's message info is not defined, so the badge decides. */
#define FAULT_BADGE_BIT (1ul << 62)
#define MAX_FDS 64
#define NSIG 64
#define PROC_PRIORITY 90
#define PATH_MAX_BYTES 256
#define DEFAULT_MAX_PAGES 8192u /* 32 MiB per process */

/* The fd table of a process, shared by its threads (refs). */
struct fdtable {
    int refs;
    struct file *fds[MAX_FDS];
    uint64_t cloexec; /* bit per fd */
    /* RLIMIT_NOFILE (at most MAX_FDS): fds are below the soft limit. */
    uint32_t nofile_soft, nofile_hard;
};

enum proc_state { PROC_FREE, PROC_RUNNING, PROC_BLOCKED, PROC_ZOMBIE };

/* BLOCK_STOPPED: a syscall answered while its process was stopped; the
 * answer (stop_result) goes out when it continues. */
enum block_reason { BLOCK_NONE, BLOCK_READ, BLOCK_WRITE, BLOCK_WAIT, BLOCK_FUTEX, BLOCK_STOPPED };

struct k_sigaction {
    uint64_t handler, flags, restorer, mask;
};

/* One entry per thread, as Linux's tasks: the threads of a process share
 * pid (the thread group id), vm and files; tid is the entry's own id (the
 * leader's tid is the pid). Identity, cwd, umask and signal actions are
 * the leader's: a thread made by clone copies them (docs/posix.md). Only a
 * leader is ever a ZOMBIE; a thread that ends is FREE at once. */
struct proc {
    int state; /* enum proc_state */
    int pid, ppid, pgid, sid;
    int tid;
    unsigned index;  /* in procs[]: the fault badge is FAULT_BADGE_BIT | (index + 1) */
    int exit_status; /* ZOMBIE: the wait status word */
    struct vmspace vm;
    page_t tcb, cnode;
    uint64_t fs_base;
    uint64_t clear_child_tid;
    /* BLOCK_FUTEX: the word waited on, the WAIT_BITSET mask, the order of
     * waiting (FIFO wake) and whether a FUTEX_WAKE chose this thread. */
    uint64_t futex_addr;
    uint32_t futex_bitset;
    uint64_t futex_seq;
    bool futex_woken;
    /* Job control: a leader's stopped state and what wait has yet to
     * report (WUNTRACED / WCONTINUED); a thread suspended by the stop. */
    bool stopped, stop_report, cont_report, suspended;
    int stop_sig;
    int64_t stop_result;
    seL4_Word regs[seL4_UnknownSyscall_Length - 1]; /* RAX .. FLAGS of the last syscall */
    /* A syscall waiting for an event: its reply cap is saved. */
    int block; /* enum block_reason */
    uint64_t block_args[6];
    struct fdtable *files;
    char cwd[PATH_MAX_BYTES];
    uint32_t umask;
    struct k_sigaction act[NSIG + 1];
    uint64_t sigmask, sigpending;
    char comm[16];
    char exe[PATH_MAX_BYTES]; /* the program it runs (/proc/self/exe) */
    uint64_t deadline_ns; /* a blocked sleep or poll: when it ends (kaal_time_ns) */
    bool sigreturn;       /* the next reply restores rcx and r11 below */
    uint64_t saved_rcx, saved_r11;
};

extern struct proc procs[MAX_PROCS];
/* The process whose fault the server is handling (its reply is the main
 * loop's ReplyRecv); NULL between faults. */
extern struct proc *posix_current;
/* pid 1 ended: the main loop starts a new one (a shell that exits or is
 * killed comes back, as a getty would bring back a login). */
extern bool posix_init_ended;

/* The leader of process pid (NULL: none). */
struct proc *proc_by_pid(int pid);
/* The thread tid (any thread, leader included). */
struct proc *proc_by_tid(int tid);
static inline bool proc_is_leader(const struct proc *p)
{
    return p->tid == p->pid;
}
/* A new thread of p's process (clone with CLONE_VM|CLONE_THREAD): shares
 * vm and files; starts at the current syscall's return with rax = 0 and
 * rsp = stack (when non-zero), fs_base = tls (when set_tls). */
struct proc *proc_new_thread(struct proc *p, uint64_t stack, bool set_tls, uint64_t tls);
/* exit: ends thread t alone (clear_child_tid written 0 and woken), or the
 * process with status when t is its leader or last thread. */
void proc_thread_exit(struct proc *t, int status);
/* Ends every thread of p's process but p (execve). */
void proc_kill_other_threads(struct proc *p);
/* futex: wakes up to n waiters on (vm, addr) whose bitset meets bitset. */
int futex_wake(const struct vmspace *vm, uint64_t addr, int n, uint32_t bitset);
struct proc *proc_by_badge(seL4_Word badge);
/* A new process with an empty address space and no thread running. */
struct proc *proc_new(int ppid);
/* Makes p's thread (fs_base, registers) and starts it at rip/rsp. */
int proc_start_thread(struct proc *p, uint64_t rip, uint64_t rsp);
/* A child of parent running from parent's current syscall with rax = 0. */
int proc_fork_thread(struct proc *child, const struct proc *parent);
/* The reply message (MRs set) for p's current syscall with result, a
 * pending signal's handler entered. */
seL4_MessageInfo_t proc_reply_message(struct proc *p, int64_t result);
/* rt_sigreturn: p's registers from its signal frame; returns its rax. */
int64_t proc_sigreturn(struct proc *p);
/* Ends p with wait status `status` (signal or exit << 8): frees all but
 * its table entry, wakes a waiting parent. */
void proc_exit(struct proc *p, int status);
/* The reply for p's current syscall: rax = result, rip past `syscall`. */
void proc_reply(struct proc *p, int64_t result);
/* Saves p's reply cap; p waits for an event (block_reason). */
void proc_block(struct proc *p, int reason);
/* Retries every blocked syscall (something they wait for happened). */
void proc_wake_all(void);
void proc_signal(struct proc *p, int sig);
/* A hardware fault's signal (si_code, si_addr) to p's handler, entered as
 * the fault is answered; false: no handler takes it (p is to die of it). */
bool proc_fault_signal(struct proc *p, int sig, int code, uint64_t addr);
/* Arms the timer for the earliest deadline of a blocked process. */
void proc_timers_update(void);
/* The badge bit of the timer's signal on the events notification. */
#define TIMER_BADGE_BIT (1ul << 61)
/* The net server's readiness signal (socket.c). */
#define SOCK_EVENT_BIT (1ul << 60)
/* nanosleep-style wait for p until deadline_ns: 0 when it is over,
 * SYS_BLOCKED before, -ENOSYS without a timer. */
int64_t proc_sleep_until(struct proc *p, uint64_t deadline_ns);
void proc_signal_group(int pgid, int sig);
/* Whether p's process is stopped (SIGSTOP, SIGTSTP, ...) until SIGCONT. */
bool proc_stopped(const struct proc *p);
void proc_reap(struct proc *p);

/* ---- syscalls (syscall.c, file.c, exec.c) ------------------------------- */

/* A syscall's outcome: a value to reply with, or SYS_BLOCKED (the process
 * waits, reply later), or SYS_NO_REPLY (the process is gone or restarted). */
#define SYS_BLOCKED INT64_MIN
#define SYS_NO_REPLY (INT64_MIN + 1)

int64_t posix_syscall(struct proc *p, seL4_Word nr, const seL4_Word a[6]);
int64_t sys_file(struct proc *p, seL4_Word nr, const seL4_Word a[6], bool *handled);
int64_t sys_execve(struct proc *p, uint64_t path, uint64_t argv, uint64_t envp);
int64_t sys_futex(struct proc *p, const seL4_Word a[6]);
/* Loads the program at path into p (initial process: strings from the
 * server). */
int exec_initial(struct proc *p, const char *path, const char *const *argv,
                 const char *const *envp);
const char *syscall_name(seL4_Word nr);
/* 16 random bytes: RDRAND if the CPU has it, else TSC readings (exec.c). */
void posix_random(uint8_t out[16]);
/* The absolute form of path for p (relative to dirfd or its cwd). */
int path_resolve(struct proc *p, int dirfd, const char *path, char *out, size_t out_bytes);
/* f at the lowest free fd >= min: the fd, or -EMFILE (f not taken). */
int fd_install(struct proc *p, struct file *f, int min, bool cloexec);
struct file *fd_get(struct proc *p, uint64_t fd);
/* A new empty fd table (refs 1), NULL when all are in use. */
struct fdtable *fd_table_new(void);
/* Drops p's reference on its fd table, closing every fd with the last. */
void fd_close_all(struct proc *p);
void fd_close_on_exec(struct proc *p);
void fd_copy(struct proc *to, struct proc *from);

/* socket.c: sockets (AF_INET through the net server, AF_UNIX socketpair) */
int64_t sys_socket(struct proc *p, seL4_Word nr, const seL4_Word a[6], bool *handled);
int64_t sock_read(struct proc *p, struct file *f, uint64_t buf, size_t n);
int64_t sock_write(struct proc *p, struct file *f, uint64_t buf, size_t n);
void sock_release(struct file *f); /* the last reference went */
void sock_stat(struct vfs_stat *st, const struct file *f);
/* ioctl on a file that is not the tty (and FIONBIO on any) */
int64_t sock_ioctl(struct proc *p, struct file *f, uint64_t req, uint64_t arg);
/* Linux poll bits (POLLIN ...) of a socket; poll_begin before a scan. */
void sock_poll_begin(void);
unsigned sock_poll_mask(struct file *f);

/* poll.c: poll, ppoll, select, pselect6, epoll over every kind of file */
int64_t sys_poll(struct proc *p, seL4_Word nr, const seL4_Word a[6], bool *handled);
void epoll_release(struct file *f);

/* tty.c: the console line discipline */
void tty_init(void);
void tty_input(void); /* moves console keystrokes into the tty */
int64_t tty_read(struct proc *p, uint64_t buf, size_t n); /* SYS_BLOCKED if nothing yet */
int64_t tty_write(struct proc *p, uint64_t buf, size_t n);
bool tty_readable(void);
int64_t tty_ioctl(struct proc *p, uint64_t req, uint64_t arg);
extern int tty_fg_pgrp;
