# SPDX-License-Identifier: BSD-2-Clause
"""tools/systoml: `debug_syscalls = false` withholds the kernel's debug
system calls (seL4_DebugPutChar, seL4_DebugHalt, ...) from a component;
`[system] debug_syscalls` is the default for every component, a
component's own key wins. The blob carries it as a component flag that
init turns into KAAL_TCBFlag_NoDebugSyscalls; bad values name
file:line:col."""
import os
import re
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(HERE, "systoml"))
from fake_elf import write_fake_elf  # noqa: E402
from systoml import CompileError, binfmt, compile_file  # noqa: E402
from systoml import schema as S  # noqa: E402

# Line numbers below refer to this text (line 1 is "[system]").
BASE = """\
[system]
name = "t"
SYSTEM_KEY

[[component]]
name = "a"
binary = "x.elf"
A_KEY

[[component]]
name = "b"
binary = "x.elf"
"""


class DebugSyscallsCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="systoml-debug-")
        write_fake_elf(os.path.join(self.dir, "x.elf"))

    def tearDown(self):
        shutil.rmtree(self.dir)

    def compile(self, system_key="", a_key=""):
        path = os.path.join(self.dir, "system.toml")
        with open(path, "w") as f:
            f.write(BASE.replace("SYSTEM_KEY", system_key).replace("A_KEY", a_key))
        return compile_file(path, display="system.toml")

    def errors(self, system_key="", a_key=""):
        with self.assertRaises(CompileError) as cm:
            self.compile(system_key, a_key)
        return [str(d) for d in cm.exception.diagnostics]

    def allowed(self, system):
        """What the blob tells init, per component name."""
        return {c["name"]: c["debug_syscalls"]
                for c in binfmt.decode(binfmt.encode(system))["components"]}


class TestDebugSyscalls(DebugSyscallsCase):
    def test_components_keep_the_debug_calls_by_default(self):
        self.assertEqual(self.allowed(self.compile()), {"a": True, "b": True})

    def test_component_key_false_withholds_them_from_that_component_only(self):
        self.assertEqual(self.allowed(self.compile(a_key="debug_syscalls = false")),
                         {"a": False, "b": True})

    def test_system_key_is_the_default_and_a_component_key_wins(self):
        self.assertEqual(self.allowed(self.compile(system_key="debug_syscalls = false")),
                         {"a": False, "b": False})
        self.assertEqual(self.allowed(self.compile(system_key="debug_syscalls = false",
                                                   a_key="debug_syscalls = true")),
                         {"a": True, "b": False})

    def test_withheld_is_flag_bit_in_the_component_record(self):
        system = self.compile(a_key="debug_syscalls = false")
        blob = binfmt.encode(system)
        off, n = binfmt.HEADER.unpack_from(blob)[9:11]
        self.assertEqual(n, 2)
        records = [binfmt.COMPONENT.unpack_from(blob, off + i * binfmt.COMPONENT.size)
                   for i in range(n)]
        self.assertEqual([r[6] for r in records], [S.COMPONENT_FLAG_NO_DEBUG_SYSCALLS, 0])
        self.assertEqual(binfmt.decode(blob)["version"], (1, S.VERSION_MINOR))

    def test_flag_matches_the_c_header(self):
        with open(os.path.join(ROOT, "include", "kaal", "sysdesc.h")) as f:
            text = f.read()
        m = re.search(r"#define KAAL_SYSDESC_COMPONENT_NO_DEBUG_SYSCALLS (\d+)u", text)
        self.assertIsNotNone(m)
        self.assertEqual(int(m.group(1)), S.COMPONENT_FLAG_NO_DEBUG_SYSCALLS)
        m = re.search(r"#define KAAL_SYSDESC_VERSION_MINOR (\d+)", text)
        self.assertEqual(int(m.group(1)), S.VERSION_MINOR)


class TestDebugSyscallsErrors(DebugSyscallsCase):
    def test_component_value_not_a_boolean_is_reported_at_the_value(self):
        self.assertEqual(self.errors(a_key='debug_syscalls = "no"'), [
            "system.toml:8:18: error: 'debug_syscalls' must be true or false, not 'no'"])

    def test_system_value_not_a_boolean_is_reported_at_the_value(self):
        self.assertEqual(self.errors(system_key="debug_syscalls = 0"), [
            "system.toml:3:18: error: 'debug_syscalls' must be true or false, not an integer"])

    def test_misspelt_key_is_unknown_with_a_suggestion(self):
        errs = self.errors(a_key="debug_syscall = false")
        self.assertEqual(len(errs), 1)
        self.assertTrue(errs[0].startswith("system.toml:8:1: error: unknown key "
                                           "'debug_syscall' in [[component]]; did you mean "
                                           "'debug_syscalls'?"), errs[0])


if __name__ == "__main__":
    unittest.main()
