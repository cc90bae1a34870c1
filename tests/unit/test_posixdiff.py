# SPDX-License-Identifier: BSD-2-Clause
"""tools/posixdiff.py and the tests/posix programs on the host: every
program gives the same output under musl and glibc and on a second run (so
the output holds nothing run-dependent), writes nothing to stderr, and the
harness encodes deaths by signal as sh does (128 + N), diffs, and parses
the console transcript of a guest run, rejecting broken ones."""
import os
import sys
import tempfile
import unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools"))
import posixdiff  # noqa: E402

BUILD = os.path.abspath(os.environ.get("KAAL_BUILD", os.path.join(ROOT, "build")))


def write_script(d, name, text):
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + text)
    os.chmod(path, 0o755)
    return path


class TestPosixPrograms(unittest.TestCase):
    def test_every_program_is_built_for_both_libcs(self):
        names = posixdiff.programs(BUILD)
        self.assertTrue(names, "no programs in %s/posix-tests/t (make builds them)" % BUILD)
        bases = {n.rsplit(".", 1)[0] for n in names}
        for base in bases:
            for libc in posixdiff.LIBCS:
                self.assertIn("%s.%s" % (base, libc), names)
        for family in ("files", "dirs", "meta", "pipes", "procs", "signals", "memory", "time",
                       "identity"):
            self.assertIn(family, bases)

    def test_musl_and_glibc_agree_twice_and_stderr_stays_empty(self):
        report = []
        failed, n = posixdiff.host_self_check(BUILD, out=report.append)
        self.assertGreater(n, 0)
        self.assertEqual(failed, 0, "\n".join(report))

    def test_programs_finish_with_done_and_status_0_on_linux(self):
        # killed dies of its SIGSEGV on purpose: sh's 128 + 11.
        ends = {"killed": ("before the fault", 139)}
        for name in posixdiff.programs(BUILD):
            o, _ = posixdiff.run_host(os.path.join(BUILD, "posix-tests", "t", name))
            last, status = ends.get(name.rsplit(".", 1)[0], ("done", 0))
            self.assertEqual(o.status, status, "%s: %r" % (name, o.lines()[-5:]))
            self.assertEqual(o.stdout.splitlines()[-1], last, name)

    def test_output_never_names_the_scratch_directory(self):
        # Paths are relative to the start directory; tempfile's prefix would show.
        for name in posixdiff.programs(BUILD):
            o, _ = posixdiff.run_host(os.path.join(BUILD, "posix-tests", "t", name))
            self.assertNotIn("posixdiff.", o.stdout, name)


class TestHarness(unittest.TestCase):
    def test_death_by_signal_is_128_plus_n_as_in_sh(self):
        with tempfile.TemporaryDirectory() as d:
            o, _ = posixdiff.run_host(write_script(d, "segv", "echo before\nkill -SEGV $$\n"))
            self.assertEqual((o.stdout, o.status), ("before\n", 139))
            o, _ = posixdiff.run_host(write_script(d, "exit3", "exit 3\n"))
            self.assertEqual(o.status, 3)

    def test_a_program_that_hangs_is_reported_not_waited_for(self):
        with tempfile.TemporaryDirectory() as d:
            o, _ = posixdiff.run_host(write_script(d, "hang", "echo x\nexec sleep 100\n"),
                                      timeout=1)
            self.assertIsNone(o.status)
            self.assertIn("did not finish: timed out", o.lines()[-1])

    def test_programs_run_in_an_empty_scratch_directory(self):
        with tempfile.TemporaryDirectory() as d:
            o, _ = posixdiff.run_host(write_script(d, "ls", "ls -A; pwd\n"))
            self.assertNotEqual(o.stdout.split("\n")[0], d)
            self.assertEqual(len(o.stdout.splitlines()), 1, o.stdout)   # only pwd's line

    def test_compare_says_same_or_gives_a_unified_diff(self):
        a = posixdiff.Outcome("x = 1\ny = 2\n", 0)
        self.assertEqual(posixdiff.compare("p.musl", a, posixdiff.Outcome("x = 1\ny = 2\n", 0)),
                         (True, "p.musl: same"))
        same, text = posixdiff.compare("p.musl", a, posixdiff.Outcome("x = 1\ny = 3\n", 0))
        self.assertFalse(same)
        self.assertEqual(text.split("\n"), ["p.musl: differs", "--- host/p.musl",
                                            "+++ kaal/p.musl", "@@ -1,3 +1,3 @@", " x = 1",
                                            "-y = 2", "+y = 3", " [exit status 0]"])
        same, text = posixdiff.compare("p", a, posixdiff.Outcome("x = 1\ny = 2\n", 139))
        self.assertFalse(same)
        self.assertIn("+[exit status 139]", text)

    def test_guest_transcript_gives_output_and_status(self):
        text = ('echo @@beg""in.4; mkdir /tmp/w.4 && cd /tmp/w.4 && /t/x.musl; '
                'echo "@@""rc=$?"; cd /\n@@begin.4\nline one\n[KaaL] no runnable threads: idle\n'
                '[vfs] note\nline two\n@@rc=137\n/ # ')
        o = posixdiff.parse_transcript(text, 4)
        self.assertEqual((o.stdout, o.status), ("line one\nline two\n", 137))
        # Output without a final newline runs into the marker.
        o = posixdiff.parse_transcript("@@begin.1\nabc\npartial@@rc=0\n", 1)
        self.assertEqual((o.stdout, o.status), ("abc\npartial\n", 0))

    def test_shs_report_of_a_death_by_signal_is_not_program_output(self):
        o = posixdiff.parse_transcript("@@begin.1\nbefore\nSegmentation fault\n@@rc=139\n", 1)
        self.assertEqual((o.stdout, o.status), ("before\n", 139))
        o = posixdiff.parse_transcript("@@begin.1\nAborted (core dumped)\n@@rc=134\n", 1)
        self.assertEqual(o.stdout, "")
        # Only for that signal, only as the last line, only when $? says so.
        for text in ("@@begin.1\nSegmentation fault\n@@rc=0\n",
                     "@@begin.1\nSegmentation fault\n@@rc=134\n",
                     "@@begin.1\nSegmentation fault\nx\n@@rc=139\n"):
            self.assertIn("Segmentation fault", posixdiff.parse_transcript(text, 1).stdout, text)

    def test_guest_command_quotes_the_markers_out_of_its_own_echo(self):
        cmd = posixdiff.guest_command(7, "files.musl")
        self.assertNotIn("@@begin.7", cmd)
        self.assertNotIn("@@rc=", cmd)
        self.assertIn("/t/files.musl", cmd)
        with self.assertRaises(posixdiff.TranscriptError):
            posixdiff.parse_transcript(cmd + "\n", 7)

    def test_broken_transcripts_are_rejected_with_the_reason(self):
        bad = [
            ("", "no line @@begin.3"),
            ("@@begin.2\nx\n@@rc=0\n", "no line @@begin.3"),
            ("@@begin.3\nx\n", "no line @@rc=N"),
            ("@@begin.3\nx\n@@rc=\n", "bad status"),
            ("@@begin.3\nx\n@@rc=abc\n", "bad status"),
            ("@@begin.3\nx\n@@rc=256\n", "bad status"),
            ("@@begin.3\nx\n@@rc=-1\n", "bad status"),
            ("@@begin.3\nx\n@@rc=1234\n", "bad status"),
            ("@@begin.3\n@@begin.4\nx\n@@rc=0\n", "another @@begin"),
            ("x@@begin.3\nx\n@@rc=0\n", "no line @@begin.3"),
        ]
        for text, why in bad:
            with self.assertRaises(posixdiff.TranscriptError, msg=repr(text)) as cm:
                posixdiff.parse_transcript(text, 3)
            self.assertIn(why, str(cm.exception), repr(text))

    def test_the_expected_mismatch_list_can_only_shrink(self):
        results = [("a.musl", True, "a.musl: same"), ("b.musl", False, "b.musl: differs\n-x"),
                   ("c.musl", False, "c.musl: differs\n-y")]
        self.assertEqual(posixdiff.judge(results, {"b.musl": "r", "c.musl": "r"}), [])
        self.assertEqual(posixdiff.judge(results, {"c.musl": "r"}), ["b.musl: differs\n-x"])
        problems = posixdiff.judge(results, {"a.musl": "fixed?", "b.musl": "r", "c.musl": "r",
                                             "gone.musl": "r"})
        self.assertEqual(len(problems), 2, problems)
        self.assertIn("a.musl now behaves as on Linux", problems[0])
        self.assertIn("gone.musl is listed as an expected mismatch but was not run", problems[1])

    def test_missing_posix_system_is_named(self):
        with tempfile.TemporaryDirectory() as d:
            why = posixdiff.KaalGuest.missing(d, system="no-such-system")
            self.assertIn("no system/no-such-system.toml", why)


if __name__ == "__main__":
    unittest.main()
