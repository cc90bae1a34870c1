# SPDX-License-Identifier: BSD-2-Clause
"""The SDK end to end (docs/sdk.md): every template of `sel4-compose new`
is made in a temporary directory and built twice, against this source tree
and against an SDK installed by tools/sdk/install.py (what `make install`
runs) into a temporary prefix, then booted once, headless, checking the
expect files the template ships (`sel4-compose test`). Also: an installed
SDK holds no source, a project's Makefile is two lines, and a rebuild after
editing one .c relinks that component only.

Needs the tree built (KAAL_BUILD, set by tools/testrun.py; make test builds
first); skipped when it is not."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
COMPOSE = os.path.join(ROOT, "tools", "sel4-compose")
TEMPLATES = ("minimal", "native-shell", "posix", "net", "full")


def kaal_build():
    return os.path.abspath(os.environ.get("KAAL_BUILD") or os.path.join(ROOT, "build"))


def clean_env(**extra):
    # The tree's own make variables must not leak into a project's make.
    env = {k: v for k, v in os.environ.items()
           if k not in ("KAAL_ROOT", "KAAL_SDK", "MAKEFLAGS", "MAKELEVEL", "MFLAGS", "BUILD")}
    env.update(extra)
    return env


def run(cmd, cwd, env, timeout=900):
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    return p


class SdkCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        build = kaal_build()
        if not os.path.exists(os.path.join(build, "guest", "bin", "init.elf")):
            raise unittest.SkipTest("the tree is not built (%s): run make first" % build)
        cls.tmp = tempfile.mkdtemp(prefix="kaal-sdk-test-")
        cls.prefix = os.path.join(cls.tmp, "sdk")
        p = run([sys.executable, os.path.join(ROOT, "tools", "sdk", "install.py"), "--build",
                 build, "--prefix", cls.prefix, "--version", "test"], ROOT, clean_env())
        if p.returncode != 0:
            shutil.rmtree(cls.tmp)
            raise AssertionError("install failed:\n" + p.stdout + p.stderr)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def new(self, compose, name, template, where):
        os.makedirs(where, exist_ok=True)
        p = run([sys.executable, compose, "new", name, "--template", template], where,
                clean_env())
        self.assertEqual(p.returncode, 0, p.stderr)
        return os.path.join(where, name)

    def make(self, proj, env):
        p = run(["make", "-j2"], proj, env)
        self.assertEqual(p.returncode, 0, "make in %s failed:\n%s%s"
                         % (proj, p.stdout[-3000:], p.stderr[-3000:]))
        return p

    def boot(self, proj, compose, env):
        p = run([sys.executable, compose, "test", "--no-build"], proj, env)
        self.assertEqual(p.returncode, 0, "sel4-compose test in %s failed:\n%s%s"
                         % (proj, p.stdout[-5000:], p.stderr[-2000:]))
        self.assertRegex(p.stdout, r"\n(\d+) passed, 0 failed")
        return p


class TestInstalledSdk(SdkCase):
    def test_installed_sdk_has_the_parts_and_no_source(self):
        for rel in ("boot/kaal.elf32", "boot/init.elf", "lib/libkaal.a", "lib/crt0.o",
                    "include/sel4/sel4.h", "include/kaal/runtime.h", "mk/project.mk",
                    "tools/sel4-compose", "tools/systoml/compiler.py",
                    "components/services/shell/component.toml", "components/bin/shell.elf",
                    "tools/templates/library.toml", "VERSION"):
            self.assertTrue(os.path.isfile(os.path.join(self.prefix, rel)), rel)
        self.assertEqual(os.path.realpath(os.path.join(self.prefix, "bin", "sel4-compose")),
                         os.path.join(os.path.realpath(self.prefix), "tools", "sel4-compose"))
        sources = [os.path.join(d, f) for d, _, fs in os.walk(self.prefix) for f in fs
                   if f.endswith((".c", ".S")) and "/templates/" not in d
                   and "/examples/" not in d]
        self.assertEqual(sources, [])

    def test_install_refuses_a_directory_that_is_not_an_sdk_and_touches_nothing(self):
        other = os.path.join(self.tmp, "usr-local")
        os.makedirs(os.path.join(other, "lib"))
        with open(os.path.join(other, "lib", "keep"), "w") as f:
            f.write("mine")
        p = run([sys.executable, os.path.join(ROOT, "tools", "sdk", "install.py"), "--build",
                 kaal_build(), "--prefix", other, "--version", "test"], ROOT, clean_env())
        self.assertEqual(p.returncode, 1)
        self.assertIn("is not empty and holds no KaaL SDK (no .kaal-sdk)", p.stderr)
        self.assertEqual(sorted(os.listdir(other)), ["lib"])
        self.assertEqual(os.listdir(os.path.join(other, "lib")), ["keep"])

    def test_every_template_builds_against_the_installed_sdk_and_boots(self):
        compose = os.path.join(self.prefix, "bin", "sel4-compose")
        env = clean_env()
        # The net and full systems forward host port 7777 in `make run`;
        # their test boots must not need it (another QEMU may hold it).
        busy = socket.socket()
        try:
            busy.bind(("127.0.0.1", 7777))
            busy.listen()
        except OSError:
            pass                      # held by someone else already: as good
        self.addCleanup(busy.close)
        for template in TEMPLATES:
            with self.subTest(template=template):
                proj = self.new(compose, "os-" + template, template,
                                os.path.join(self.tmp, "installed"))
                with open(os.path.join(proj, "Makefile")) as f:
                    lines = [x for x in f.read().splitlines() if x and not x.startswith("#")]
                self.assertEqual(lines[0], "KAAL_SDK ?= " + self.prefix)
                self.assertEqual(lines[-1], "include $(KAAL_SDK)/mk/project.mk")
                # KAAL_SDK, the template's variables (full: busybox and
                # python in the rootfs), the include: a few lines.
                self.assertLessEqual(len(lines), 4)
                self.make(proj, env)
                self.boot(proj, compose, env)

    def test_a_rebuild_after_editing_one_c_file_relinks_only_that_component(self):
        compose = os.path.join(self.prefix, "bin", "sel4-compose")
        proj = self.new(compose, "rebuild", "minimal", os.path.join(self.tmp, "rebuild"))
        env = clean_env()
        self.make(proj, env)
        p = run(["make", "-j2"], proj, env)
        self.assertIn("Nothing to be done", p.stdout + p.stderr)
        src = os.path.join(proj, "components", "greeter", "main.c")
        with open(src) as f:
            text = f.read()
        with open(src, "w") as f:
            f.write(text.replace("hello from KaaL", "edited greeting"))
        p = self.make(proj, env)
        self.assertIn("components/greeter/main.c", p.stdout)
        self.assertNotIn("mkcpio", p.stdout)
        with open(os.path.join(proj, "build", "bin", "greeter.elf"), "rb") as f:
            self.assertIn(b"edited greeting", f.read())


class TestSourceTreeSdk(SdkCase):
    def test_every_template_builds_against_the_source_tree(self):
        # KAAL_BUILD: the tree's parts as `make test` built them (nothing is
        # rebuilt); booting each once is the installed-SDK test's part.
        env = clean_env(KAAL_BUILD=kaal_build())
        for template in TEMPLATES:
            with self.subTest(template=template):
                proj = self.new(COMPOSE, "src-" + template, template,
                                os.path.join(self.tmp, "source"))
                with open(os.path.join(proj, "Makefile")) as f:
                    self.assertIn("KAAL_SDK ?= %s\n" % ROOT, f.read())
                self.make(proj, env)
                with open(os.path.join(proj, "build", "boot.txt")) as f:
                    self.assertEqual(f.read().strip(),
                                     os.path.join(kaal_build(), "kernel", "kaal.elf32"))
                with open(os.path.join(proj, "build", "initrd.txt")) as f:
                    modules = f.read().strip().split(",")
                self.assertEqual(modules[0], os.path.join(kaal_build(), "guest", "bin",
                                                          "init.elf"))
                self.assertIn(os.path.join(proj, "build", "bin", "greeter.elf"), modules)


if __name__ == "__main__":
    unittest.main()
