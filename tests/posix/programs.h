/* SPDX-License-Identifier: BSD-2-Clause */
/* The test programs linked into one binary per libc (main.c picks one by
 * the name it was started under). X(name): the program name.c defines
 * name_main. */
#ifndef POSIX_TEST_PROGRAMS_H
#define POSIX_TEST_PROGRAMS_H

#define POSIX_TEST_PROGRAMS                                                                        \
    X(files)                                                                                       \
    X(dirs)                                                                                        \
    X(meta)                                                                                        \
    X(pipes)                                                                                       \
    X(procs)                                                                                       \
    X(signals)                                                                                     \
    X(memory)                                                                                      \
    X(time)                                                                                        \
    X(identity)                                                                                    \
    X(killed)                                                                                      \
    X(threads)

#define X(name) int name##_main(int argc, char **argv);
POSIX_TEST_PROGRAMS
#undef X

#endif
