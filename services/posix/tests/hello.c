// SPDX-License-Identifier: BSD-2-Clause
/*
 * The POSIX server's first program: a static musl binary (musl-gcc
 * -static) that checks what the loader gave it (argc/argv, an environment,
 * AT_RANDOM, TLS through errno, brk and an anonymous mmap) and says so with
 * write(2), then exits with status 3 so the test sees exit_group's status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static __thread int tls_value = 42;

int main(int argc, char **argv)
{
    char line[256];
    unsigned long random = getauxval(AT_RANDOM), pagesz = getauxval(AT_PAGESZ);
    /* brk(2) itself: musl's sbrk() only answers sbrk(0). */
    char *cur = (char *)syscall(SYS_brk, 0);
    char *heap = (char *)syscall(SYS_brk, cur + 8192) == cur + 8192 ? cur : (char *)-1;
    char *map = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    errno = 0;
    if (heap != (void *)-1)
        memset(heap, 'h', 8192);
    if (map != MAP_FAILED)
        memset(map, 'm', 65536);
    int n = snprintf(line, sizeof(line),
                     "hello from musl: argc=%d argv[1]=%s PATH=%s pagesz=%lu random=%s tls=%d "
                     "brk=%s mmap=%s\n",
                     argc, argc > 1 ? argv[1] : "-", getenv("PATH") ? getenv("PATH") : "-",
                     pagesz, random ? "yes" : "no", tls_value,
                     heap != (void *)-1 && heap[8191] == 'h' ? "ok" : "fail",
                     map != MAP_FAILED && map[65535] == 'm' ? "ok" : "fail");
    write(1, line, (size_t)n);
    return 3;
}
