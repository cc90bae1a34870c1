# SPDX-License-Identifier: BSD-2-Clause
"""python3 in the POSIX system: the static CPython of services/posix/python.mk
at /usr/bin/python3 with its stdlib zip, threads (clone with thread flags,
futexes, thread exit), and execve of "#!" scripts. Driven at busybox sh's
prompt as a user would (test_posix.py's helpers)."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from test_posix import boot_sh, sh  # noqa: E402

# tests/posix/python/threads.py prints these lines on Linux too.
THREADS_OUTPUT = """joined [(0, 1, True), (1, 2, True), (2, 3, True), (3, 4, True)]
counter 800
files ['w0.txt', 'w1.txt', 'w2.txt', 'w3.txt']
slept True
consumed [0, 1, 2]
alive 1"""


def test_python_runs_programs_and_threads(build):
    with boot_sh(build) as g:
        assert sh(g, "python3 -c 'print(1+1)'") == "2"
        assert sh(g, "python3 -c 'import sys; print(sys.prefix, sys.path[1])'") == \
            "/usr /usr/lib/python311.zip"
        assert sh(g, "python3 /t/threads.py", timeout=120) == THREADS_OUTPUT
        # pthread_join returns when the thread's CLONE_CHILD_CLEARTID word is
        # cleared and woken at its exit (glibc's pthreads, not python's locks).
        out = sh(g, "/t/threads.glibc | grep -e returned -e counter -e done", timeout=120)
        assert out.split("\n") == ["thread 0 returned 11", "thread 1 returned 111",
                                   "thread 2 returned 211", "thread 3 returned 311",
                                   "counter = 4000", "waiter returned 42",
                                   "counter after the child = 4000",
                                   "done"], out
        assert sh(g, "echo $(python3 -c 'import os; print(os.getpid() > 1)'); echo ok") == \
            "True\nok"


def test_execve_runs_hashbang_scripts_with_their_interpreter(build):
    with boot_sh(build) as g:
        sh(g, r"printf '#!/usr/bin/python3 -u\nimport sys\nprint(sys.argv)\n' >/tmp/p")
        sh(g, "chmod +x /tmp/p")
        # Linux's argv: interpreter, its one argument, the script, the rest.
        assert sh(g, "/tmp/p a 'b c'") == "['/tmp/p', 'a', 'b c']"
        sh(g, r"printf '#! /tmp/p  x  y \n' >/tmp/q && chmod +x /tmp/q")
        # A script as the interpreter of a script; the argument is "x  y".
        assert sh(g, "/tmp/q z") == "['/tmp/p', 'x  y', '/tmp/q', 'z']"
        sh(g, r"printf '#!/no/such\n' >/tmp/r && chmod +x /tmp/r")
        out = sh(g, "/tmp/r; echo $?")
        assert out.split("\n")[-1] == "127", out   # ENOENT: sh says not found
        sh(g, r"printf 'echo fallback\n' >/tmp/s && chmod +x /tmp/s")
        # No "#!": ENOEXEC, and sh runs the file itself.
        assert sh(g, "/tmp/s") == "fallback"
