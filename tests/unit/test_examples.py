# SPDX-License-Identifier: BSD-2-Clause
"""Every project under examples/ (the tutorials' runnable examples,
docs/tutorials/) is copied to a temporary directory, built against this
source tree (KAAL_SDK, the parts in KAAL_BUILD as `make test` built them)
and booted once by `sel4-compose test`, which checks the output its
tutorial promises (its tests/*.expect and components/*/test.expect).
Skipped when the tree is not built."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EXAMPLES = os.path.join(ROOT, "examples")
COMPOSE = os.path.join(ROOT, "tools", "sel4-compose")


def examples():
    return sorted(d for d in os.listdir(EXAMPLES)
                  if os.path.isfile(os.path.join(EXAMPLES, d, "Makefile")))


class TestExamples(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.build = os.path.abspath(os.environ.get("KAAL_BUILD") or
                                    os.path.join(ROOT, "build"))
        if not os.path.exists(os.path.join(cls.build, "guest", "bin", "init.elf")):
            raise unittest.SkipTest("the tree is not built (%s): run make first" % cls.build)
        cls.tmp = tempfile.mkdtemp(prefix="kaal-examples-")
        cls.env = {k: v for k, v in os.environ.items()
                   if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "BUILD", "KAAL_ROOT")}
        cls.env.update(KAAL_SDK=ROOT, KAAL_BUILD=cls.build)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_there_are_examples_and_each_has_a_readme_and_a_test(self):
        self.assertGreaterEqual(len(examples()), 6)
        for name in examples():
            d = os.path.join(EXAMPLES, name)
            self.assertTrue(os.path.isfile(os.path.join(d, "README.md")), name)
            self.assertTrue(os.listdir(os.path.join(d, "tests")), name)

    def test_every_example_builds_and_prints_what_its_tutorial_promises(self):
        for name in examples():
            with self.subTest(example=name):
                proj = os.path.join(self.tmp, name)
                shutil.copytree(os.path.join(EXAMPLES, name), proj,
                                ignore=shutil.ignore_patterns("build"))
                p = subprocess.run(["make", "-j2"], cwd=proj, env=self.env,
                                   capture_output=True, text=True, timeout=900)
                self.assertEqual(p.returncode, 0, "make: %s%s" % (p.stdout[-3000:],
                                                                  p.stderr[-3000:]))
                p = subprocess.run([sys.executable, COMPOSE, "test", "--no-build"], cwd=proj,
                                   env=self.env, capture_output=True, text=True, timeout=1800)
                self.assertEqual(p.returncode, 0, p.stdout[-5000:] + p.stderr[-2000:])
                self.assertRegex(p.stdout, r"\d+ passed, 0 failed")


if __name__ == "__main__":
    unittest.main()
