# SPDX-License-Identifier: BSD-2-Clause
"""The POSIX differential harness in KaaL: every tests/posix program, musl
and glibc builds, runs on the host and in the POSIX system
(system/posix.toml: busybox sh on the console, the programs in /t), and
stdout plus exit status (128 + N for signal N) must be the same
(tools/posixdiff.py does the running and the diffing).

EXPECTED_MISMATCH lists the programs known to differ today, each with the
reason; the test fails on any other difference, and on a listed program
that now matches (take it off the list: the list only shrinks). Without
system/posix.toml in the tree the test is skipped and says so."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
import posixdiff  # noqa: E402

# program -> why it differs in KaaL today (server bugs and missing calls,
# as `tools/posixdiff.py --kaal` diffs show them). `killed` (death by
# SIGSEGV read as $? 139) matches since sh waits for its children.
REASONS = {
    "meta": "fstatat, statx and access take bad flags; fchmod ENOSYS; umask(0) not applied "
            "(0666 gives 0644); utimensat ENOSYS",
    "signals": "rt_sigqueueinfo and rt_sigsuspend ENOSYS; real-time signals are not "
               "queued; SA_RESTART does not restart read; SIGCHLD's siginfo is not filled; "
               "the process dies once SIGCHLD is SIG_DFL/SIG_IGN again",
    "memory": "file mappings (private and shared) ENODEV, msync and mremap ENOSYS; "
              "MAP_SHARED|MAP_ANONYMOUS is not shared with a child",
    "time": "clock_getres, nanosleep, clock_nanosleep, setitimer ENOSYS; CLOCK_REALTIME is "
            "before 2020",
}
EXPECTED_MISMATCH = {"%s.%s" % (name, libc): why
                     for name, why in REASONS.items() for libc in posixdiff.LIBCS}


def check_programs_of(build, libc):
    why = posixdiff.KaalGuest.missing(build)
    if why:
        raise unittest.SkipTest("%s (the POSIX server and its system come from branch posix)"
                                % why)
    names = [n for n in posixdiff.programs(build) if n.endswith("." + libc)]
    assert names, "no %s programs in %s/posix-tests/t (make builds them)" % (libc, build)
    results = []
    with posixdiff.KaalGuest(build) as kaal:
        assert kaal.has(names[0]), (
            "%s/%s is not in the guest: the POSIX system's rootfs must copy the "
            "directories of POSIX_ROOTFS_EXTRA (tests/posix/module.mk) into its root; "
            "%s holds: %s" % (posixdiff.GUEST_DIR, names[0], posixdiff.GUEST_DIR,
                              " ".join(kaal.listing) or "nothing"))
        for name in names:
            host, _ = posixdiff.run_host(os.path.join(build, "posix-tests", "t", name))
            results.append((name,) + posixdiff.compare(name, host, kaal.run(name)))
    expected = {n: why for n, why in EXPECTED_MISMATCH.items() if n.endswith("." + libc)}
    problems = posixdiff.judge(results, expected)
    assert not problems, "\n".join(problems)


def test_musl_programs_behave_in_kaal_as_on_linux(build):
    check_programs_of(build, "musl")


def test_glibc_programs_behave_in_kaal_as_on_linux(build):
    check_programs_of(build, "glibc")


def test_the_harness_finds_no_difference_between_the_host_and_a_linux_guest(build):
    """The guest side of the harness (typing into busybox sh on a serial
    console, the markers, the status encoding, the dropped system lines)
    against Debian's Linux in the same QEMU: a correct kernel, so every
    program must come out the same. Runs whether or not KaaL can."""
    why = posixdiff.LinuxGuest.missing(build)
    assert not why, why
    names = posixdiff.programs(build)
    assert names, "no programs in %s/posix-tests/t (make builds them)" % build
    diffs = []
    with posixdiff.LinuxGuest(build) as linux:
        for name in names:
            host, _ = posixdiff.run_host(os.path.join(build, "posix-tests", "t", name))
            same, text = posixdiff.compare(name, host, linux.run(name), "host", "linux")
            if not same:
                diffs.append(text)
    assert not diffs, "\n".join(diffs)
