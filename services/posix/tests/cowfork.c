// SPDX-License-Identifier: BSD-2-Clause
/*
 * /bin/posix-cowfork: fork of a process with a large heap shares it
 * copy-on-write. The parent fills 8 MiB, forks; the child reports how many
 * pool pages the fork took (sysinfo's freeram, the POSIX server's pool)
 * and how many its writes to 4 pages took, while both sides write their
 * own values and must each see only theirs. Prints lines the test checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#define HEAP_BYTES (8ul << 20)
#define PAGE 4096ul

static unsigned char *heap; /* malloc'd: brk or mmap memory, not the image's */

static long free_pages(void)
{
    struct sysinfo si;
    if (sysinfo(&si) != 0)
        return -1;
    return (long)(si.freeram * si.mem_unit / PAGE);
}

int main(void)
{
    heap = malloc(HEAP_BYTES);
    if (!heap)
        return 1;
    memset(heap, 0x11, HEAP_BYTES);
    int to_parent[2], to_child[2];
    if (pipe(to_parent) || pipe(to_child))
        return 1;
    long before = free_pages();
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        long after_fork = free_pages();
        for (int i = 0; i < 4; i++)
            heap[i * PAGE] = 0x22; /* four copies, no more */
        long after_writes = free_pages();
        char go;
        if (write(to_parent[1], "c", 1) != 1 || read(to_child[0], &go, 1) != 1)
            _exit(2);
        int mine = 1, theirs = 1;
        for (int i = 0; i < 4; i++)
            mine &= heap[i * PAGE] == 0x22;
        theirs = heap[HEAP_BYTES - PAGE] == 0x11; /* the parent wrote 0x33 there */
        printf("child: fork took %ld pages for a %lu-page heap; 4 writes took %ld\n",
               before - after_fork, HEAP_BYTES / PAGE, after_fork - after_writes);
        printf("child: sees its writes %s, not the parent's %s\n", mine ? "yes" : "no",
               theirs ? "yes" : "no");
        fflush(stdout);
        _exit(0);
    }
    char go;
    if (read(to_parent[0], &go, 1) != 1)
        return 1;
    heap[HEAP_BYTES - PAGE] = 0x33;
    if (write(to_child[1], "p", 1) != 1)
        return 1;
    int status;
    waitpid(pid, &status, 0);
    int mine = heap[HEAP_BYTES - PAGE] == 0x33, theirs = heap[0] == 0x11;
    printf("parent: sees its write %s, not the child's %s; child %s\n", mine ? "yes" : "no",
           theirs ? "yes" : "no", WIFEXITED(status) && !WEXITSTATUS(status) ? "ok" : "failed");
    return 0;
}
