// SPDX-License-Identifier: BSD-2-Clause
/*
 * Bad arguments a process can pass the POSIX server: each call must fail
 * with Linux's errno (EFAULT for a bad pointer, EBADF, EINVAL, ENOENT,
 * ECHILD) and the server must go on. Prints one "bad: NAME ok" or
 * "bad: NAME FAIL (got ...)" line per case, then "bad: done".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void check(const char *name, long r, int want_errno)
{
    int e = errno;
    if (r == -1 && e == want_errno)
        printf("bad: %s ok\n", name);
    else
        printf("bad: %s FAIL (got %ld errno %d, want errno %d)\n", name, r, e, want_errno);
}

int main(void)
{
    char *bad = (char *)16, *kernel = (char *)0xffff800000000000ul;
    struct stat st;
    int fds[2];
    check("write_bad_buffer", syscall(SYS_write, 1, bad, 10), EFAULT);
    check("write_kernel_buffer", syscall(SYS_write, 1, kernel, 10), EFAULT);
    check("read_into_bad_buffer", syscall(SYS_read, open("/etc/motd", O_RDONLY), bad, 10), EFAULT);
    check("open_bad_path", syscall(SYS_open, bad, O_RDONLY), EFAULT);
    check("stat_bad_result", syscall(SYS_stat, "/etc/motd", bad), EFAULT);
    check("stat_missing", stat("/no/such/file", &st), ENOENT);
    check("pipe_bad_array", syscall(SYS_pipe, bad), EFAULT);
    check("close_bad_fd", close(999), EBADF);
    check("read_bad_fd", read(55, fds, 1), EBADF);
    check("wait_no_children", wait(NULL), ECHILD);
    check("munmap_unaligned", munmap((void *)0x1001, 4096), EINVAL);
    check("mprotect_wrapping", mprotect((void *)0x7ffffffff000ul, ~0ul - 4096, PROT_READ),
          EINVAL);
    check("execve_bad_argv", syscall(SYS_execve, "/bin/true", bad, NULL), EFAULT);
    check("execve_not_elf", syscall(SYS_execve, "/etc/motd", NULL, NULL), EACCES);
    check("chdir_to_a_file", chdir("/etc/motd"), ENOTDIR);
    check("kill_bad_signal", kill(1, 99), EINVAL);
    /* The mapping itself is fine; touching past it is a SIGSEGV (not here). */
    char *m = mmap(NULL, 1ul << 30, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check("read_prot_none", syscall(SYS_write, 1, m, 1), EFAULT);
    printf("bad: done\n");
    return 0;
}
