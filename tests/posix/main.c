/* SPDX-License-Identifier: BSD-2-Clause */
/* One static binary per libc holds every test program, busybox style:
 * files.musl, dirs.musl, ... are links to all.musl, and the name the
 * binary was started under (argv[0]'s base name up to the first dot)
 * picks the program. One binary keeps the glibc builds small enough for
 * the POSIX system's rootfs (a static glibc program is ~700 KiB, most of it
 * libc). */
#include "common.h"
#include "programs.h"

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*main)(int, char **);
    } programs[] = {
#define X(name) {#name, name##_main},
        POSIX_TEST_PROGRAMS
#undef X
    };
    const char *base = argc > 0 && argv[0] ? argv[0] : "";
    const char *slash = strrchr(base, '/');
    if (slash)
        base = slash + 1;
    size_t len = strcspn(base, ".");
    for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++)
        if (strlen(programs[i].name) == len && strncmp(programs[i].name, base, len) == 0)
            return programs[i].main(argc, argv);
    fprintf(stderr, "%s: start me as one of:", base);
    for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++)
        fprintf(stderr, " %s", programs[i].name);
    fprintf(stderr, " (NAME.musl or NAME.glibc)\n");
    return 127;
}
