// SPDX-License-Identifier: BSD-2-Clause
/*
 * Prints sysinfo(2)'s RAM figures, which the POSIX server fills from its
 * process pool: free pages, pages live processes hold (sharedram), its
 * window's tables (bufferram); "lost" is what none of them accounts for,
 * 0 unless a page leaked. A test runs it after many fork/exec/exit cycles.
 */
#include <stdio.h>
#include <sys/sysinfo.h>

int main(void)
{
    struct sysinfo si;
    if (sysinfo(&si) != 0) {
        perror("sysinfo");
        return 1;
    }
    /* The POSIX server's meaning: shared = held by live processes,
     * buffer = its own window's tables. */
    unsigned long free = si.freeram * si.mem_unit, total = si.totalram * si.mem_unit;
    unsigned long held = si.sharedram * si.mem_unit, own = si.bufferram * si.mem_unit;
    printf("free %lu held %lu own %lu total %lu lost %ld, %u processes\n", free, held, own, total,
           (long)(total - free - held - own), (unsigned)si.procs);
    return 0;
}
