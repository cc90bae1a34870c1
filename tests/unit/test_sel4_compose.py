# SPDX-License-Identifier: BSD-2-Clause
"""tools/sel4-compose (new, check, build) and tools/mkimage: a scaffolded
project validates, builds against this KaaL tree, and packs into a boot
module list; errors name file:line:col and leave nothing half-made."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(HERE, "systoml"))
from fake_elf import write_fake_elf  # noqa: E402
from systoml import binfmt  # noqa: E402

COMPOSE = os.path.join(ROOT, "tools", "sel4-compose")
MKIMAGE = os.path.join(ROOT, "tools", "mkimage")


def run(cmd, cwd, env=None):
    return subprocess.run([sys.executable] + cmd, cwd=cwd, capture_output=True, text=True,
                          env=env)


class ComposeCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="sel4-compose-test-")
        # The project's own make variables (BUILD=... via MAKEFLAGS) must not
        # leak into the scaffolded project's make.
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("KAAL_ROOT", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")}

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def compose(self, *args, cwd=None):
        return run([COMPOSE, *args], cwd or self.tmp, self.env)

    def new_project(self, name="myos"):
        p = self.compose("new", name)
        self.assertEqual(p.returncode, 0, p.stderr)
        return os.path.join(self.tmp, name)


class TestNew(ComposeCase):
    def test_new_creates_a_project_that_uses_this_kaal_tree(self):
        proj = self.new_project()
        files = sorted(os.path.relpath(os.path.join(d, f), proj)
                       for d, _dirs, fs in os.walk(proj) for f in fs)
        self.assertEqual(files, [".gitignore", "Makefile", "README.md", "apps/hello/main.c",
                                 "system.toml"])
        with open(os.path.join(proj, "Makefile")) as f:
            makefile = f.read()
        self.assertIn("KAAL_ROOT ?= %s\n" % ROOT, makefile)
        with open(os.path.join(proj, "system.toml")) as f:
            self.assertIn('name = "myos"', f.read())
        for d, _dirs, fs in os.walk(proj):
            for fname in fs:
                with open(os.path.join(d, fname)) as f:
                    self.assertIsNone(re.search(r"@[A-Z_]+@", f.read()), fname)

    def test_kaal_root_comes_from_the_environment_when_set(self):
        self.env["KAAL_ROOT"] = ROOT + "/."
        proj = self.new_project()
        with open(os.path.join(proj, "Makefile")) as f:
            self.assertIn("KAAL_ROOT ?= %s\n" % ROOT, f.read())
        self.env["KAAL_ROOT"] = self.tmp
        p = self.compose("new", "other")
        self.assertEqual(p.returncode, 1)
        self.assertIn("is not a KaaL tree (no mk/config.mk)", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "other")))

    def test_new_refuses_an_existing_directory_and_leaves_it_alone(self):
        os.mkdir(os.path.join(self.tmp, "myos"))
        with open(os.path.join(self.tmp, "myos", "keep"), "w") as f:
            f.write("mine")
        p = self.compose("new", "myos")
        self.assertEqual(p.returncode, 1)
        self.assertIn("already exists; not overwriting it", p.stderr)
        self.assertEqual(os.listdir(os.path.join(self.tmp, "myos")), ["keep"])

    def test_new_rejects_a_bad_project_name(self):
        p = self.compose("new", "My OS")
        self.assertEqual(p.returncode, 1)
        self.assertIn("invalid project name 'My OS'", p.stderr)
        self.assertEqual(os.listdir(self.tmp), [])


class TestCheck(ComposeCase):
    def test_fresh_project_checks_clean_before_its_binaries_exist(self):
        proj = self.new_project()
        p = self.compose("check", "--no-binaries", cwd=proj)
        self.assertEqual((p.returncode, p.stdout.strip()),
                         (0, "system.toml: ok: system 'myos', 1 component, 0 channels"))

    def test_check_without_binaries_built_names_the_missing_one(self):
        proj = self.new_project()
        p = self.compose("check", cwd=proj)
        self.assertEqual(p.returncode, 1)
        first = p.stderr.splitlines()[0]
        self.assertTrue(first.startswith(
            "system.toml:10:10: error: binary 'build/apps/hello.elf' of component 'hello' not "
            "found"), first)
        self.assertEqual(p.stderr.splitlines()[-1], "system.toml: 1 error")

    def test_check_reports_every_error_with_the_path_given(self):
        proj = self.new_project()
        toml = os.path.join(proj, "system.toml")
        with open(toml) as f:
            text = f.read()
        with open(toml, "w") as f:
            f.write(text.replace("priority = 100", "priority = 1000")
                    .replace('"serial0"', '"serial9"'))
        p = self.compose("check", "--no-binaries", "myos/system.toml")
        self.assertEqual(p.returncode, 1)
        lines = p.stderr.splitlines()
        self.assertEqual(lines[0], "myos/system.toml:11:12: error: priority 1000 is out of range "
                                   "(expected 0..255)")
        self.assertTrue(lines[1].startswith("myos/system.toml:16:12: error: unknown device "
                                            "'serial9'"), lines[1])
        self.assertEqual(lines[2], "myos/system.toml: 2 errors")

    def test_check_of_a_missing_file_fails_cleanly(self):
        p = self.compose("check", "nothing.toml")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr.strip(), "nothing.toml: error: No such file or directory")


class TestBuild(ComposeCase):
    def test_headers_only_needs_no_binaries_and_writes_no_description(self):
        proj = self.new_project()
        p = self.compose("build", "--headers-only", cwd=proj)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(os.listdir(os.path.join(proj, "build")), ["include"])
        with open(os.path.join(proj, "build", "include", "hello_caps.h")) as f:
            header = f.read()
        self.assertIn("#define KAAL_CAP_SERIAL0_IRQ 17 ", header)
        self.assertIn('#define KAAL_CONFIG_GREETING "Hello from myos!"', header)

    def test_build_writes_the_description_of_the_built_binaries(self):
        proj = self.new_project()
        os.makedirs(os.path.join(proj, "build", "apps"))
        write_fake_elf(os.path.join(proj, "build", "apps", "hello.elf"))
        p = self.compose("build", cwd=proj)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(proj, "build", "system.ksys"), "rb") as f:
            desc = binfmt.decode(f.read())
        self.assertEqual(desc["name"], "myos")
        self.assertEqual(desc["components"][0]["config"], {"greeting": "Hello from myos!"})
        self.assertEqual(desc["modules"][0]["name"], "hello.elf")

    def test_failed_build_writes_nothing(self):
        proj = self.new_project()
        p = self.compose("build", cwd=proj)
        self.assertEqual(p.returncode, 1)
        self.assertFalse(os.path.exists(os.path.join(proj, "build")))


class TestMkimage(ComposeCase):
    def built_project(self):
        proj = self.new_project()
        os.makedirs(os.path.join(proj, "build", "apps"))
        write_fake_elf(os.path.join(proj, "build", "apps", "hello.elf"))
        write_fake_elf(os.path.join(proj, "build", "init.elf"))
        self.assertEqual(self.compose("build", cwd=proj).returncode, 0)
        return proj

    def mkimage(self, proj, *extra):
        return run([MKIMAGE, "system.toml", "--sysdesc", "build/system.ksys",
                    "--root-task", "build/init.elf", *extra], proj)

    def test_module_list_is_root_task_then_description_then_binaries(self):
        proj = self.built_project()
        p = self.mkimage(proj, "-o", "build/initrd.txt")
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(proj, "build", "initrd.txt")) as f:
            self.assertEqual(f.read(), ",".join(os.path.join(proj, "build", n) for n in
                                                ("init.elf", "system.ksys", "apps/hello.elf"))
                             + "\n")

    def test_stale_description_is_refused(self):
        proj = self.built_project()
        write_fake_elf(os.path.join(proj, "build", "apps", "hello.elf"), memsz=0x3000)
        p = self.mkimage(proj, "-o", "build/initrd.txt")
        self.assertEqual(p.returncode, 1)
        self.assertIn("mkimage: error: build/system.ksys is stale", p.stderr)
        self.assertIn("build/apps/hello.elf changed after the description was compiled",
                      p.stderr)
        self.assertFalse(os.path.exists(os.path.join(proj, "build", "initrd.txt")))

    def test_missing_root_task_is_refused(self):
        proj = self.built_project()
        os.unlink(os.path.join(proj, "build", "init.elf"))
        p = self.mkimage(proj)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr.strip(), "mkimage: error: build/init.elf: no such file")


class TestScaffoldBuildsForReal(ComposeCase):
    def test_make_builds_hello_against_this_tree_and_compiles_the_description(self):
        if not shutil.which("make") or not shutil.which("gcc"):
            self.skipTest("make and gcc needed")
        proj = self.new_project()
        p = subprocess.run(["make", "-j2", "all"], cwd=proj, capture_output=True, text=True,
                           env=self.env)
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr[-3000:])
        with open(os.path.join(proj, "build", "system.ksys"), "rb") as f:
            desc = binfmt.decode(f.read())
        with open(os.path.join(proj, "build", "apps", "hello.elf"), "rb") as f:
            elf = f.read()
        self.assertEqual(desc["modules"][0]["size"], len(elf))
        self.assertEqual(desc["components"][0]["name"], "hello")


if __name__ == "__main__":
    unittest.main()
