# SPDX-License-Identifier: BSD-2-Clause
"""tools/sel4-compose without booting: new (templates, names, nothing
half-made), add (library parts with what they need, wired; skeletons),
list, check (a table of bad system.toml and component.toml files, each a
FILE:LINE:COL error and never a traceback), the expect-script parser's bad
inputs, --port-forward, doctor, and mkimage's checks. Booting the
templates is tests/unit/test_sdk.py."""
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

COMPOSE = os.path.join(ROOT, "tools", "sel4-compose")
MKIMAGE = os.path.join(ROOT, "tools", "mkimage")
TEMPLATES = ("minimal", "native-shell", "posix", "net", "full")


def run(cmd, cwd, env=None):
    return subprocess.run([sys.executable] + cmd, cwd=cwd, capture_output=True, text=True,
                          env=env)


class ComposeCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="sel4-compose-test-")
        # The project's own make variables (BUILD=... via MAKEFLAGS) must not
        # leak into the scaffolded project.
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("KAAL_ROOT", "KAAL_SDK", "MAKEFLAGS", "MAKELEVEL", "MFLAGS",
                                 "BUILD")}

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def compose(self, *args, cwd=None):
        p = run([COMPOSE, *args], cwd or self.tmp, self.env)
        self.assertNotIn("Traceback", p.stderr)
        return p

    def new_project(self, name="myos", template="native-shell"):
        p = self.compose("new", name, "--template", template)
        self.assertEqual(p.returncode, 0, p.stderr)
        return os.path.join(self.tmp, name)

    def read(self, proj, rel):
        with open(os.path.join(proj, rel)) as f:
            return f.read()

    def write(self, proj, rel, text):
        with open(os.path.join(proj, rel), "w") as f:
            f.write(text)


class TestNew(ComposeCase):
    def test_every_template_makes_a_complete_project_with_no_placeholders_left(self):
        for template in TEMPLATES:
            with self.subTest(template=template):
                proj = self.new_project("os-" + template, template)
                files = sorted(os.path.relpath(os.path.join(d, f), proj)
                               for d, _dirs, fs in os.walk(proj) for f in fs)
                for rel in (".gitignore", "Makefile", "README.md", "system.toml",
                            "components/greeter/component.toml", "components/greeter/main.c",
                            "components/greeter/test.expect", "tests/boot.expect"):
                    self.assertIn(rel, files)
                for rel in files:
                    self.assertIsNone(re.search(r"@[A-Z_]+@", self.read(proj, rel)), rel)
                self.assertIn('name = "os-%s"' % template, self.read(proj, "system.toml"))
                self.assertIn("include $(KAAL_SDK)/mk/project.mk\n",
                              self.read(proj, "Makefile"))

    def test_the_default_template_is_full(self):
        proj = os.path.join(self.tmp, "myos")
        self.assertEqual(self.compose("new", "myos").returncode, 0)
        self.assertIn("(template full,", self.compose("new", "other").stdout)
        self.assertIn("ROOTFS_BUSYBOX = yes", self.read(proj, "Makefile"))

    def test_the_sdk_comes_from_the_environment_when_set(self):
        self.env["KAAL_SDK"] = ROOT + "/."
        proj = self.new_project()
        self.assertIn("KAAL_SDK ?= %s\n" % ROOT, self.read(proj, "Makefile"))
        self.env["KAAL_SDK"] = self.tmp
        p = self.compose("new", "other")
        self.assertEqual(p.returncode, 1)
        self.assertIn("is not a KaaL SDK or tree (no mk/project.mk)", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "other")))

    def test_new_refuses_an_existing_directory_and_leaves_it_alone(self):
        os.mkdir(os.path.join(self.tmp, "myos"))
        self.write(self.tmp, "myos/keep", "mine")
        p = self.compose("new", "myos")
        self.assertEqual(p.returncode, 1)
        self.assertIn("already exists; not overwriting it", p.stderr)
        self.assertEqual(os.listdir(os.path.join(self.tmp, "myos")), ["keep"])

    def test_new_where_nothing_can_be_written_is_one_error_line(self):
        p = self.compose("new", "myos", "--path", "/proc")
        self.assertEqual(p.returncode, 1)
        self.assertRegex(p.stderr, r"^sel4-compose: error: /proc/myos\S*: [A-Z]")
        self.assertEqual(len(p.stderr.splitlines()), 1)

    def test_new_rejects_a_bad_project_name_and_an_unknown_template(self):
        p = self.compose("new", "My OS")
        self.assertEqual(p.returncode, 1)
        self.assertIn("invalid project name 'My OS'", p.stderr)
        p = self.compose("new", "myos", "--template", "huge")
        self.assertEqual(p.returncode, 2)
        self.assertIn("invalid choice: 'huge'", p.stderr)
        self.assertEqual(os.listdir(self.tmp), [])


class TestAdd(ComposeCase):
    def test_add_shell_brings_what_it_needs_and_wires_it(self):
        proj = self.new_project(template="minimal")
        p = self.compose("add", "shell", cwd=proj)
        self.assertEqual(p.returncode, 0, p.stderr)
        for line in ("added component 'uart' (type uart16550)",
                     "added component 'console' (type console)",
                     'set [system] console = "console"',
                     "added component 'vfs' (type vfs_server)", "created rootfs/etc/motd",
                     "added ring channel console.input -> shell.rx",
                     "added rpc channel vfs.clients -> shell.vfs (badge 1)",
                     "added ring channel shell.vfs_shm -> vfs.shm1",
                     "added rpc channel timer.clients -> shell.timer"):
            self.assertIn(line, p.stdout)
        p = self.compose("check", "--no-binaries", cwd=proj)
        self.assertEqual(p.stdout.strip(),
                         "system.toml: ok: system 'myos', 7 components, 12 channels")
        p = self.compose("add", "shell", cwd=proj)
        self.assertEqual(p.stdout.strip(), "shell is already in system.toml; nothing to do")

    def test_add_echo_adds_the_network_and_a_host_forward(self):
        proj = self.new_project(template="native-shell")
        p = self.compose("add", "echo", cwd=proj)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("[machine]: nic = virtio-net", p.stdout)
        self.assertIn("[machine]: hostfwd tcp:7777 on 127.0.0.1", p.stdout)
        self.assertIn("added rpc channel net.clients -> echo.net (badge 1)", p.stdout)
        self.assertEqual(self.compose("check", "--no-binaries", cwd=proj).returncode, 0)

    def test_add_that_cannot_be_wired_changes_nothing(self):
        proj = self.new_project(template="minimal")
        before = self.read(proj, "system.toml")
        p = self.compose("add", "rtc", cwd=proj)
        self.assertEqual(p.returncode, 1)
        self.assertRegex(p.stderr, r"system\.toml \(after add\):\d+:\d+: error: end 'clients' "
                                   r"\(an rpc server end\) of component 'rtc' is not wired")
        self.assertIn("nothing was changed", p.stderr)
        self.assertEqual(self.read(proj, "system.toml"), before)
        self.assertFalse(os.path.exists(os.path.join(proj, "rootfs")))

    def test_add_says_which_end_is_taken_when_that_is_why(self):
        proj = self.new_project(template="posix")
        before = self.read(proj, "system.toml")
        p = self.compose("add", "shell", cwd=proj)
        self.assertEqual(p.returncode, 1)
        self.assertIn("note: console.input is already wired to another component, so shell.rx "
                      "stays unwired\n", p.stderr)
        self.assertEqual(p.stderr.count("note: console.input"), 1)
        self.assertIn("one keyboard reader per console", p.stderr)
        self.assertEqual(self.read(proj, "system.toml"), before)

    def test_add_of_an_unknown_part_suggests_the_closest(self):
        proj = self.new_project(template="minimal")
        p = self.compose("add", "shel", cwd=proj)
        self.assertEqual(p.returncode, 1)
        self.assertIn("'shel' is not in the component library; did you mean 'shell'?", p.stderr)

    def test_add_component_makes_each_skeleton_and_refuses_a_second(self):
        proj = self.new_project(template="minimal")
        for kind, name in (("--app", "app1"), ("--service", "calc"), ("--driver", "blinky")):
            p = self.compose("add", "component", name, kind, cwd=proj)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(sorted(os.listdir(os.path.join(proj, "components", name))),
                             ["README.md", "component.toml", "main.c", "test.expect"])
            self.assertIn('name = "%s"' % name,
                          self.read(proj, "components/%s/component.toml" % name))
        self.assertIn('devices = ["serial1"]', self.read(proj, "components/blinky/component.toml"))
        p = self.compose("add", "component", "calc", cwd=proj)
        self.assertEqual(p.returncode, 1)
        self.assertIn("already exists; not overwriting it", p.stderr)
        p = self.compose("add", "component", "Bad-Name", cwd=proj)
        self.assertEqual(p.returncode, 1)
        self.assertIn("invalid component name 'Bad-Name'", p.stderr)

    def test_add_outside_a_project_says_so(self):
        p = self.compose("add", "shell")
        self.assertEqual(p.returncode, 1)
        self.assertIn("no project here", p.stderr)


class TestList(ComposeCase):
    def test_list_shows_the_library_from_the_component_tomls(self):
        p = self.compose("list")
        self.assertEqual(p.returncode, 0, p.stderr)
        for name in ("uart16550", "console", "shell", "rtc", "timer", "vfs", "posix", "net",
                     "virtio-net", "virtio-blk", "echo"):
            self.assertRegex(p.stdout, r"\n  %s\s+\S" % re.escape(name))
        self.assertRegex(p.stdout, r"\n  posix\s+The POSIX server \(needs console, vfs, timer\)")


# (what to replace in the native-shell template's files, the file, an
# error line that must be among the output, as a regex)
BAD_FILES = [
    ("unknown key", "system.toml", ("priority = 150", "prioity = 150"),
     r"^system\.toml:\d+:1: error: unknown key 'prioity' in \[\[component\]\]; did you mean "
     r"'priority'\?"),
    ("unknown end", "system.toml", ('end = "uart_tx" }', 'end = "uart_txx" }'),
     r"^system\.toml:\d+:\d+: error: component 'console' \(type 'console'\) has no end "
     r"'uart_txx'; did you mean 'uart_tx'\?"),
    ("missing end", "system.toml", ('client = { component = "shell", end = "timer" }',
                                    'client = { component = "shell" }'),
     r"^system\.toml:\d+:\d+: error: .*'end'"),
    ("unwired required end", "system.toml",
     ('server = { component = "rtc", end = "clients" }\nclient = { component = "shell", '
      'end = "rtc" }', 'server = { component = "rtc", end = "clients" }\nclient = { component '
      '= "shell", end = "timer" }'),
     r"^system\.toml:\d+:\d+: error: "),
    ("unknown type", "system.toml", ('type = "timer"', 'type = "timr"'),
     r"^system\.toml:\d+:\d+: error: unknown component type 'timr'; did you mean 'timer'\?"),
    ("TOML syntax", "system.toml", ("prefix = true", 'prefix = "yes'),
     r"^system\.toml:\d+:\d+: error: TOML syntax: "),
    ("end wired twice", "system.toml", ("badge = 1", 'badge = 1\n\n[[channel]]\nkind = "rpc"\n'
                                        'server = { component = "vfs", end = "clients" }\n'
                                        'client = { component = "shell", end = "vfs" }'),
     r"^system\.toml:\d+:\d+: error: end 'vfs' of component 'shell' is already wired"),
    ("unknown device", "components/greeter/component.toml", ("priority = 100",
                                                             'devices = ["serial9"]'),
     r"^components/greeter/component\.toml:\d+:\d+: error: unknown device 'serial9'"),
    ("component.toml unknown key", "components/greeter/component.toml",
     ("priority = 100", "stack = 5"),
     r"^system\.toml:\d+:\d+: error: component type 'greeter' cannot be used: its "
     r"component\.toml has errors"),
    ("component.toml syntax", "components/greeter/component.toml",
     ('binary = "greeter.elf"', 'binary = greeter.elf'),
     r"^components/greeter/component\.toml:\d+:\d+: error: .*TOML"),
    ("overlapping addresses", "components/greeter/component.toml",
     ('heap_size = "64KiB"', 'heap_size = "64KiB"\n\n[[end]]\nname = "a"\ntype = '
      '"ring_producer"\nvaddr = 0x200000000\n\n[[end]]\nname = "b"\ntype = "ring_producer"\n'
      'vaddr = 0x200000000'),
     r"^components/greeter/component\.toml:\d+:\d+: error: overlapping addresses: ring 'b' "),
]


class TestCheck(ComposeCase):
    def test_fresh_project_checks_clean_before_its_binaries_exist(self):
        proj = self.new_project()
        p = self.compose("check", "--no-binaries", cwd=proj)
        self.assertEqual((p.returncode, p.stdout.strip()),
                         (0, "system.toml: ok: system 'myos', 7 components, 12 channels"))

    def test_check_without_binaries_built_names_the_missing_one(self):
        proj = self.new_project()
        p = self.compose("check", cwd=proj)
        self.assertEqual(p.returncode, 1)
        self.assertRegex(p.stderr.splitlines()[0],
                         r"^system\.toml:\d+:\d+: error: binary of component type 'greeter' "
                         r"not found \(looked for .*/build/bin/greeter\.elf; build it first\)")

    def test_each_bad_file_gives_its_error_with_a_position_and_no_traceback(self):
        proj = self.new_project()
        originals = {rel: self.read(proj, rel) for _, rel, _, _ in BAD_FILES}
        for what, rel, (old, new), first in BAD_FILES:
            with self.subTest(what=what):
                self.assertIn(old, originals[rel])
                self.write(proj, rel, originals[rel].replace(old, new, 1))
                try:
                    p = self.compose("check", "--no-binaries", cwd=proj)
                finally:
                    self.write(proj, rel, originals[rel])
                self.assertEqual(p.returncode, 1, p.stdout)
                lines = p.stderr.splitlines()
                self.assertTrue(any(re.search(first, x) for x in lines), p.stderr)
                self.assertRegex(lines[-1], r"^system\.toml: \d+ errors?$")
                for line in lines[:-1]:
                    self.assertRegex(line, r"^\S+:\d+:\d+: (error|note): ")

    def test_an_error_inside_a_component_toml_names_that_file(self):
        proj = self.new_project()
        rel = "components/greeter/component.toml"
        self.write(proj, rel, self.read(proj, rel).replace("priority = 100", "stack = 5"))
        p = self.compose("check", "--no-binaries", cwd=proj)
        self.assertIn("components/greeter/component.toml:7:1: error: unknown key 'stack' in "
                      "[component]; did you mean 'stack_size'?", p.stderr)

    def test_check_of_a_missing_file_fails_cleanly(self):
        p = self.compose("check", "nothing.toml")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr.strip(),
                         "sel4-compose: error: nothing.toml: No such file or directory")


# (script, expected error as a regex)
BAD_EXPECT = [
    ("exepct foo\n", r"^t\.expect:1:1: error: unknown directive 'exepct'; did you mean "
                     r"'expect'\?"),
    ("expect\n", r"^t\.expect:1:8: error: 'expect' needs a regular expression"),
    ("# c\n  expect a(b\n", r"^t\.expect:2:\d+: error: bad regular expression: "),
    ("timeout soon\n", r"^t\.expect:1:9: error: timeout must be a number of seconds"),
    ("timeout -3\n", r"^t\.expect:1:9: error: timeout must be a number of seconds"),
    ("reply x\n", r"^t\.expect:1:1: error: 'reply' without a 'tcp' line before it"),
    ("tcp 99999 hi\n", r"^t\.expect:1:5: error: tcp needs a guest port 1\.\.65535"),
    ("tcp port hi\n", r"^t\.expect:1:5: error: tcp needs a guest port"),
]


class TestExpectScripts(ComposeCase):
    def test_each_bad_script_gives_its_error_and_no_boot(self):
        proj = self.new_project(template="minimal")
        os.makedirs(os.path.join(proj, "build"))
        for script, err in BAD_EXPECT:
            with self.subTest(script=script):
                self.write(proj, "tests/boot.expect", script)
                p = self.compose("test", "--no-build", cwd=proj)
                self.assertEqual(p.returncode, 1)
                msg = p.stderr.strip()
                self.assertTrue(msg.startswith("sel4-compose: error: "), msg)
                self.assertRegex(msg[len("sel4-compose: error: "):].replace("tests/boot", "t"),
                                 err)

    def test_a_project_without_a_build_is_told_to_build(self):
        proj = self.new_project(template="minimal")
        p = self.compose("test", "--no-build", cwd=proj)
        self.assertEqual(p.returncode, 1)
        self.assertIn("missing: build first (sel4-compose build)", p.stderr)


class TestRunArguments(ComposeCase):
    def test_port_forwards_are_checked_and_need_a_nic(self):
        proj = self.new_project(template="minimal")
        os.makedirs(os.path.join(proj, "build"))
        for name, text in (("boot.txt", "/k\n"), ("initrd.txt", "/a,/b\n"), ("system.qemu", "")):
            self.write(proj, "build/" + name, text)
        p = self.compose("run", "--no-build", "--port-forward", "80", cwd=proj)
        self.assertIn("--port-forward 80: expected HOST:GUEST", p.stderr)
        p = self.compose("run", "--no-build", "--port-forward", "8080:80", cwd=proj)
        self.assertIn("the system has no NIC to forward to", p.stderr)


class TestDoctor(ComposeCase):
    def test_doctor_names_what_is_missing_and_prints_the_apt_get_line(self):
        self.env["PATH"] = self.tmp      # no QEMU, no compiler on this PATH
        p = self.compose("doctor")
        self.assertEqual(p.returncode, 1)
        self.assertIn("FAIL qemu-system-x86 (qemu-system-x86_64)", p.stdout)
        self.assertRegex(p.stdout, r"apt-get install -y .*qemu-system-x86")


class TestMkimage(ComposeCase):
    def built_project(self):
        proj = self.new_project(template="minimal")
        os.makedirs(os.path.join(proj, "build", "bin"))
        write_fake_elf(os.path.join(proj, "build", "bin", "greeter.elf"))
        write_fake_elf(os.path.join(proj, "build", "init.elf"))
        p = run([os.path.join(ROOT, "tools", "systoml-compile"), "system.toml", "-o",
                 "build/system.ksys", "--component-dir", "components", "--bin-dir", "build/bin"],
                proj)
        self.assertEqual(p.returncode, 0, p.stderr)
        return proj

    def mkimage(self, proj, *extra):
        return run([MKIMAGE, "system.toml", "--sysdesc", "build/system.ksys",
                    "--root-task", "build/init.elf", "--component-dir", "components",
                    "--bin-dir", "build/bin", *extra], proj)

    def test_module_list_is_root_task_then_description_then_binaries(self):
        proj = self.built_project()
        p = self.mkimage(proj, "-o", "build/initrd.txt")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.read(proj, "build/initrd.txt"),
                         ",".join(os.path.join(proj, "build", n) for n in
                                  ("init.elf", "system.ksys", "bin/greeter.elf")) + "\n")

    def test_a_bin_dir_search_list_takes_the_first_that_holds_the_binary(self):
        proj = self.built_project()
        os.makedirs(os.path.join(proj, "other"))
        p = self.mkimage(proj, "--bin-dir", "other", "-o", "build/initrd.txt")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("build/bin/greeter.elf", self.read(proj, "build/initrd.txt"))

    def test_stale_description_is_refused(self):
        proj = self.built_project()
        write_fake_elf(os.path.join(proj, "build", "bin", "greeter.elf"), memsz=0x3000)
        p = self.mkimage(proj, "-o", "build/initrd.txt")
        self.assertEqual(p.returncode, 1)
        self.assertIn("mkimage: error: build/system.ksys is stale", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(proj, "build", "initrd.txt")))

    def test_missing_root_task_is_refused(self):
        proj = self.built_project()
        os.unlink(os.path.join(proj, "build", "init.elf"))
        p = self.mkimage(proj)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr.strip(), "mkimage: error: build/init.elf: no such file")


if __name__ == "__main__":
    unittest.main()
