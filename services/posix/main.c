// SPDX-License-Identifier: BSD-2-Clause
/*
 * The POSIX server component: runs static Linux x86_64 programs.
 *
 * One thread, one loop: Recv on the "faults" endpoint, which the events
 * notification is bound to. A message whose badge has FAULT_BADGE_BIT is
 * from a process (index = badge - 1 without the bit): UnknownSyscall is a Linux
 * syscall (number in rax, arguments rdi rsi rdx r10 r8 r9), answered by an
 * UnknownSyscall reply carrying the new registers; VMFault is a page fault
 * (vm_fault; an address no VMA allows is SIGSEGV, which ends the process);
 * UserException and others end it with SIGILL / SIGSEGV. Any other badge
 * is the notification word: console keystrokes for the tty.
 * After every message, calls waiting for an event are retried
 * (proc_wake_all) if one happened, then the current reply goes out with
 * the next Recv (ReplyRecv): a syscall costs one fault IPC and one reply.
 *
 * At start the server splits its pool, then runs the program the config
 * names (config "init", default /bin/sh) as pid 1 with fds 0, 1, 2 on the
 * tty.
 */
#include "posix.h"

#include <kaal/component.h>
#include <kaal/console.h>
#include <kaal/heap.h>
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <kaal/sysdesc.h>
#include <kaal/vfs_client.h>

#include "posix_caps.h"

#define SIGILL 4
#define SIGSEGV 11

struct proc *posix_current;

static int start_init(void)
{
    posix_init_ended = false;
    struct proc *p = proc_new(0);
    if (!p)
        return -LINUX_ENOMEM;
    p->pid = 1; /* also when a new one replaces an ended pid 1 */
    p->pgid = p->sid = p->pid;
    tty_fg_pgrp = p->pgid;
    for (int fd = 0; fd < 3; fd++) {
        struct file *f = calloc(1, sizeof(*f));
        if (!f)
            return -LINUX_ENOMEM;
        *f = (struct file){.refs = 1, .kind = FILE_TTY, .vfs_fd = -1, .flags = VFS_O_RDWR};
        p->files->fds[fd] = f;
    }
    static const char *const argv[] = {"/bin/sh", NULL};
    static const char *const envp[] = {"HOME=/",       "PATH=/bin:/sbin:/usr/bin:/usr/sbin",
                                       "TERM=vt100",   "USER=root",
                                       "LOGNAME=root", NULL};
    const char *const *args = argv;
    /* A test system runs another program: config "init_argv" is not
     * available as a string at run time, so the choice is by number. */
    static const char *const hello_argv[] = {"/bin/posix-hello", "world", NULL};
    static const char *const bench_argv[] = {"/bin/posix-bench", NULL};
    static const char *const uname_argv[] = {"/bin/uname", "-a", NULL};
    static const char *const login_argv[] = {"/bin/sh", "-l", NULL};
    switch (kaal_component_config_int("init", 0)) {
    case 1: args = hello_argv; break;
    case 2: args = uname_argv; break;
    case 3: args = login_argv; break;
    case 4: args = bench_argv; break;
    default: break;
    }
    int r = exec_initial(p, args[0], args, envp);
    if (r < 0) {
        printf("posix: cannot start %s: error %d\n", args[0], -r);
        proc_exit(p, 0);
        posix_init_ended = false; /* no retry loop */
    }
    return r;
}

/* A fault other than a syscall: page faults are served, the rest ends
 * the process with the signal Linux would send. */
static bool handle_other_fault(struct proc *p, seL4_Word label)
{
    if (label == seL4_Fault_VMFault) {
        uint64_t addr = seL4_GetMR(seL4_VMFault_Addr);
        uint64_t fsr = seL4_GetMR(seL4_VMFault_FSR);
        if (vm_fault(&p->vm, addr, fsr & 2) == 0)
            return true;
        /* si_code: SEGV_MAPERR where nothing is mapped, else SEGV_ACCERR */
        if (proc_fault_signal(p, SIGSEGV, vm_find(&p->vm, addr) ? 2 : 1, addr))
            return true;
        printf("posix: pid %d (%s): segmentation fault at %#lx (rip %#lx)\n", p->pid, p->comm,
               (unsigned long)addr, (unsigned long)seL4_GetMR(seL4_VMFault_IP));
        proc_exit(p, SIGSEGV);
        return false;
    }
    printf("posix: pid %d (%s): fault %lu (rip %#lx): killed\n", p->pid, p->comm,
           (unsigned long)label, (unsigned long)seL4_GetMR(0));
    proc_exit(p, label == seL4_Fault_UserException ? SIGILL : SIGSEGV);
    return false;
}

int main(void)
{
    if (seL4_TCB_BindNotification(KAAL_SYSDESC_SLOT_TCB, KAAL_CAP_EVENTS) != seL4_NoError) {
        printf("posix: cannot bind the events notification\n");
        return 1;
    }
    kaal_vfs_reset(KAAL_CAP_VFS);
    kaal_vfs_use_shm(KAAL_CAP_VFS, (void *)KAAL_RING_VFS_SHM_DATA_VADDR,
                     KAAL_RING_VFS_SHM_DATA_SIZE_BYTES);
    mem_init();
    tty_init();
    printf("posix: serving (%u pages of process memory)\n", mem_free_pages());
    if (start_init() == 0)
        kaal_console_announce("[POSIX] Ready\n"); /* pid 1 is loaded and runs */
    tty_input();

    /* config trace = 1: one line per syscall (debugging). */
    bool trace = kaal_component_config_int("trace", 0) != 0;
    bool have_reply = false;
    seL4_MessageInfo_t reply = seL4_MessageInfo_new(0, 0, 0, 0);
    for (;;) {
        seL4_Word badge;
        seL4_MessageInfo_t info = have_reply ? seL4_ReplyRecv(KAAL_CAP_FAULTS, reply, &badge)
                                             : seL4_Recv(KAAL_CAP_FAULTS, &badge);
        have_reply = false;
        seL4_Word label = seL4_MessageInfo_get_label(info);
        struct proc *p = proc_by_badge(badge);
        if (!p) {
            tty_input(); /* the notification: keystrokes (or a stale fault) */
            if (badge & (TIMER_BADGE_BIT | SOCK_EVENT_BIT))
                posix_wake = true; /* a timeout may be over, a socket ready */
            if (posix_wake) {
                posix_wake = false;
                proc_wake_all();
            }
            proc_timers_update();
            continue;
        }
        posix_current = p;
        int64_t result = SYS_NO_REPLY;
        bool fault_reply = false;
        if (label == seL4_Fault_UnknownSyscall) {
            for (int i = 0; i < seL4_UnknownSyscall_Syscall; i++)
                p->regs[i] = seL4_GetMR(i);
            const seL4_Word *m = p->regs;
            p->block_args[0] = m[seL4_UnknownSyscall_RDI];
            p->block_args[1] = m[seL4_UnknownSyscall_RSI];
            p->block_args[2] = m[seL4_UnknownSyscall_RDX];
            p->block_args[3] = m[seL4_UnknownSyscall_R10];
            p->block_args[4] = m[seL4_UnknownSyscall_R8];
            p->block_args[5] = m[seL4_UnknownSyscall_R9];
            seL4_Word nr = m[seL4_UnknownSyscall_RAX];
            result = posix_syscall(p, nr, p->block_args);
            if (trace)
                printf("posix: [%d] %s(%lu) %#lx %#lx %#lx -> %ld\n", p->pid, syscall_name(nr),
                       (unsigned long)nr, (unsigned long)p->block_args[0],
                       (unsigned long)p->block_args[1], (unsigned long)p->block_args[2],
                       (long)result);
            if (result != SYS_BLOCKED && result != SYS_NO_REPLY && p->state == PROC_RUNNING &&
                proc_stopped(p)) {
                p->stop_result = result; /* raise(SIGSTOP): answered when it continues */
                p->block = BLOCK_STOPPED;
                result = SYS_BLOCKED;
            }
            if (result == SYS_BLOCKED && p->state != PROC_ZOMBIE && p->state != PROC_FREE)
                proc_block(p, p->block != BLOCK_NONE ? p->block : BLOCK_READ);
        } else {
            fault_reply = handle_other_fault(p, label);
        }
        posix_current = NULL;
        if (posix_wake) {
            posix_wake = false;
            proc_wake_all();
        }
        proc_timers_update();
        if (posix_init_ended && kaal_component_config_int("init", 0) == 0)
            start_init(); /* (the test programs run once) */
        if (fault_reply) {
            reply = seL4_MessageInfo_new(0, 0, 0, 0);
            have_reply = true;
        } else if (result != SYS_BLOCKED && result != SYS_NO_REPLY && (p->state == PROC_RUNNING)) {
            reply = proc_reply_message(p, result);
            have_reply = true;
        }
    }
}
