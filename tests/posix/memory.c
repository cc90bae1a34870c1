/* SPDX-License-Identifier: BSD-2-Clause */
/* Memory: brk (through the raw system call: musl's brk() always fails),
 * mmap/munmap (anonymous, file-backed private and shared), mprotect,
 * MAP_FIXED, MAP_FIXED_NOREPLACE, mremap, zero fill, copy-on-write across
 * fork, and SIGSEGV with si_addr and si_code for an unmapped page and for a
 * protection fault. Addresses are never printed: offsets and relations. */
#include "common.h"

#include <setjmp.h>
#include <stdint.h>
#include <sys/mman.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define PAGE 4096L

static sigjmp_buf fault_jmp;
static volatile uintptr_t fault_addr;
static volatile int fault_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    fault_addr = (uintptr_t)si->si_addr;
    fault_code = si->si_code;
    siglongjmp(fault_jmp, 1);
}

/* Touches addr (read or write) and reports whether it faulted, with the
 * si_addr relation and si_code. */
static void touch(const char *label, volatile char *addr, int write)
{
    fault_addr = 0;
    fault_code = 0;
    if (sigsetjmp(fault_jmp, 1) == 0) {
        if (write)
            *addr = 1;
        else
            (void)*addr;
        say("%s: no fault", label);
    } else {
        say("%s: SIGSEGV, si_addr is the address: %s, si_code %s", label,
            fault_addr == (uintptr_t)addr ? "yes" : "no",
            fault_code == SEGV_MAPERR ? "SEGV_MAPERR" : fault_code == SEGV_ACCERR ? "SEGV_ACCERR"
                                                                                 : "other");
    }
}

static void brks(void)
{
    uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
    YES("brk(0) gives the current break", cur != 0);
    uintptr_t up = (uintptr_t)syscall(SYS_brk, cur + 3 * PAGE);
    YES("brk up by three pages", up == cur + 3 * PAGE);
    char *p = (char *)cur;
    YES("new break memory reads as zeros", p[0] == 0 && p[3 * PAGE - 1] == 0);
    p[0] = 'x';
    p[3 * PAGE - 1] = 'y';
    uintptr_t down = (uintptr_t)syscall(SYS_brk, cur + PAGE);
    YES("brk down to one page", down == cur + PAGE);
    touch("touch above the lowered break", p + 2 * PAGE, 0);
    up = (uintptr_t)syscall(SYS_brk, cur + 3 * PAGE);
    YES("brk up again: the released pages read as zeros", up == cur + 3 * PAGE &&
                                                              p[3 * PAGE - 1] == 0 && p[0] == 'x');
    uintptr_t odd = (uintptr_t)syscall(SYS_brk, cur + 3 * PAGE + 10);
    YES("an unaligned break is accepted as given", odd == cur + 3 * PAGE + 10);
    uintptr_t huge = (uintptr_t)syscall(SYS_brk, (uintptr_t)1 << 46);
    YES("an impossible break leaves it unchanged", huge == cur + 3 * PAGE + 10);
    uintptr_t low = (uintptr_t)syscall(SYS_brk, PAGE);
    YES("a break below the start leaves it unchanged", low == cur + 3 * PAGE + 10);
    syscall(SYS_brk, cur);
}

static void maps(void)
{
    char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    YES("anonymous mmap", p != MAP_FAILED);
    YES("page aligned", ((uintptr_t)p & (PAGE - 1)) == 0);
    YES("zero filled", p[0] == 0 && p[4 * PAGE - 1] == 0);
    memset(p, 'a', 4 * PAGE);
    T(munmap(p + PAGE, PAGE));
    touch("read the unmapped second page", p + PAGE, 0);
    touch("read the third page", p + 2 * PAGE, 0);
    T(mprotect(p + 2 * PAGE, PAGE, PROT_READ));
    touch("write the read-only third page", p + 2 * PAGE + 5, 1);
    touch("read the read-only third page", p + 2 * PAGE + 5, 0);
    T(mprotect(p + 3 * PAGE, PAGE, PROT_NONE));
    touch("read the PROT_NONE fourth page", p + 3 * PAGE + 100, 0);
    T(mprotect(p + 3 * PAGE, PAGE, PROT_READ | PROT_WRITE));
    YES("contents kept across PROT_NONE", p[3 * PAGE + 100] == 'a');
    T(syscall(SYS_mprotect, p + 1, PAGE, PROT_READ));
    T(mprotect(p + PAGE, PAGE, PROT_READ));
    T(mprotect(p, PAGE, 0x100));

    /* MAP_FIXED replaces what is there; MAP_FIXED_NOREPLACE refuses. */
    char *q = mmap(p, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    YES("MAP_FIXED at the given address", q == p);
    YES("MAP_FIXED gives fresh zeros", p[0] == 0);
    errno = 0;
    q = mmap(p, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    say("MAP_FIXED_NOREPLACE over a mapping: %s %s", q == MAP_FAILED ? "MAP_FAILED" : "mapped",
        errno_name(errno));
    q = mmap(p + PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    YES("MAP_FIXED_NOREPLACE into the hole", q == p + PAGE);
    errno = 0;
    q = mmap(p + 1, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    say("MAP_FIXED unaligned: %s %s", q == MAP_FAILED ? "MAP_FAILED" : "mapped",
        errno_name(errno));
    T(munmap(p, 4 * PAGE));
    T(munmap(p, 4 * PAGE));
    T(munmap(p + 1, PAGE));
    T(munmap(p, 0));
    touch("read after munmap", p, 0);

    errno = 0;
    q = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    say("mmap length 0: %s %s", q == MAP_FAILED ? "MAP_FAILED" : "mapped", errno_name(errno));
    errno = 0;
    q = mmap(NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0);
    say("mmap without PRIVATE or SHARED: %s %s", q == MAP_FAILED ? "MAP_FAILED" : "mapped",
        errno_name(errno));
    errno = 0;
    q = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 99, 0);
    say("mmap of a bad fd: %s %s", q == MAP_FAILED ? "MAP_FAILED" : "mapped", errno_name(errno));
    errno = 0;
    q = mmap(NULL, (size_t)1 << 47, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    say("mmap of 128 TiB: %s %s", q == MAP_FAILED ? "MAP_FAILED" : "mapped", errno_name(errno));
}

static void files(void)
{
    char text[2 * PAGE];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (char)('a' + i % 26);
    int fd = T(open("m.bin", O_RDWR | O_CREAT | O_TRUNC, 0644));
    T(write(fd, text, PAGE + 10));
    char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    YES("file mmap (private)", p != MAP_FAILED);
    YES("mapped contents match the file", memcmp(p, text, PAGE + 10) == 0);
    YES("past the end of file, within the page: zeros", p[PAGE + 10] == 0 && p[2 * PAGE - 1] == 0);
    p[0] = 'Z';
    char c;
    T(pread(fd, &c, 1, 0));
    say("private write is not in the file: %s", c == 'a' ? "yes" : "no");
    T(munmap(p, 2 * PAGE));
    p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, PAGE);
    YES("mmap at file offset one page", p != MAP_FAILED && p[0] == text[PAGE]);
    T(munmap(p, PAGE));
    errno = 0;
    p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 1);
    say("mmap at an unaligned offset: %s %s", p == MAP_FAILED ? "MAP_FAILED" : "mapped",
        errno_name(errno));
    p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    YES("file mmap (shared)", p != MAP_FAILED);
    if (p != MAP_FAILED) {
        p[1] = 'Q';
        T(msync(p, PAGE, MS_SYNC));
        T(pread(fd, &c, 1, 1));
        say("shared write is in the file: %s", c == 'Q' ? "yes" : "no");
        T(munmap(p, PAGE));
    }
    T(close(fd));
    fd = T(open("m.bin", O_RDONLY));
    errno = 0;
    p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    say("shared writable mmap of a read-only fd: %s %s", p == MAP_FAILED ? "MAP_FAILED" : "mapped",
        errno_name(errno));
    T(close(fd));
}

static void remaps(void)
{
    char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(p, 'r', 2 * PAGE);
    /* Reserve room after it so an in-place grow has a chance, then drop. */
    char *q = mremap(p, 2 * PAGE, 8 * PAGE, MREMAP_MAYMOVE);
    YES("mremap grow (may move)", q != MAP_FAILED);
    YES("contents kept", q[0] == 'r' && q[2 * PAGE - 1] == 'r');
    YES("grown part zero filled", q[2 * PAGE] == 0 && q[8 * PAGE - 1] == 0);
    char *r = mremap(q, 8 * PAGE, PAGE, 0);
    YES("mremap shrink stays in place", r == q);
    touch("read past the shrunk end", q + PAGE, 0);
    errno = 0;
    r = mremap(q, PAGE, 2 * PAGE, 0x100);
    say("mremap bad flags: %s %s", r == MAP_FAILED ? "MAP_FAILED" : "mapped", errno_name(errno));
    errno = 0;
    r = mremap(q + 1, PAGE, 2 * PAGE, MREMAP_MAYMOVE);
    say("mremap unaligned: %s %s", r == MAP_FAILED ? "MAP_FAILED" : "mapped", errno_name(errno));
    T(munmap(q, PAGE));
}

static void cow(void)
{
    char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    static char data[PAGE] = "parent";
    p[0] = 'P';
    s[0] = 'P';
    pid_t pid = fork();
    if (pid == 0) {
        p[0] = 'C';
        s[0] = 'C';
        data[0] = 'C';
        _exit(p[0] == 'C' ? 0 : 1);
    }
    wait_report("child that wrote everything", pid);
    say("private page after the child wrote: %c", p[0]);
    say("shared page after the child wrote: %c", s[0]);
    say("data after the child wrote: %c", data[0]);
    munmap(p, PAGE);
    munmap(s, PAGE);
}

int memory_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    start();
    struct sigaction sa = {0};
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    brks();
    maps();
    files();
    remaps();
    cow();
    /* A fault with the default action ends the process with SIGSEGV. */
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGSEGV, SIG_DFL);
        int *volatile bad = (int *)16;
        *bad = 1;
        _exit(0);
    }
    wait_report("child writing to address 16", pid);
    say("done");
    return 0;
}
