# SPDX-License-Identifier: BSD-2-Clause
"""tools/systoml: `[system] console = "NAME"` gives every other component a
console channel (services/console, <kaal/console.h>): the client end
"console", the console's shared server end "clients", badges with the
console bit; the console's drivers get none; errors name file:line:col."""
import os
import shutil
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(HERE, "systoml"))
from fake_elf import write_fake_elf  # noqa: E402
from systoml import CompileError, binfmt, compile_file  # noqa: E402
from systoml import schema as S  # noqa: E402
from systoml.cheader import component_header  # noqa: E402

# Line numbers below refer to this text (line 1 is "[system]").
BASE = """\
[system]
name = "t"
console = "con"

[[component]]
name = "con"
binary = "x.elf"

[[component]]
name = "uart"
binary = "x.elf"

[[component]]
name = "hello"
binary = "x.elf"

[[component]]
name = "shell"
binary = "x.elf"

[[channel]]
kind = "ring"
producer = { component = "uart", end = "rx" }
consumer = { component = "con", end = "uart_rx" }

[[channel]]
kind = "ring"
producer = { component = "con", end = "input" }
consumer = { component = "shell", end = "rx" }
"""


class ConsoleCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="systoml-console-")
        write_fake_elf(os.path.join(self.dir, "x.elf"))

    def tearDown(self):
        shutil.rmtree(self.dir)

    def compile(self, text):
        path = os.path.join(self.dir, "system.toml")
        with open(path, "w") as f:
            f.write(textwrap.dedent(text))
        return compile_file(path, display="system.toml")

    def errors(self, text):
        with self.assertRaises(CompileError) as cm:
            self.compile(text)
        return [str(d) for d in cm.exception.diagnostics]

    def comp(self, system, name):
        return next(c for c in system.components if c.name == name)

    def cap(self, comp, name):
        return next((c for c in comp.caps if c.name == name), None)


class TestGeneratedChannels(ConsoleCase):
    def test_every_client_gets_a_badged_console_endpoint(self):
        system = self.compile(BASE)
        gen = [ch for ch in system.channels if ch.name.startswith("console.")]
        self.assertEqual([ch.name for ch in gen], ["console.hello", "console.shell"])
        for ch in gen:
            self.assertEqual(ch.kind, "rpc")
            self.assertEqual((ch.ends[0].component.name, ch.ends[0].name), ("con", "clients"))
            self.assertEqual(ch.ends[1].name, "console")
            self.assertTrue(ch.badge & S.CONSOLE_BADGE_CLIENT)
        self.assertEqual(len({ch.badge for ch in gen}), 2)
        cap = self.cap(self.comp(system, "hello"), "console")
        self.assertEqual(cap.kind, "endpoint")
        self.assertEqual(cap.rights, S.RIGHT_WRITE | S.RIGHT_GRANT_REPLY)
        # One endpoint for all clients: the console has one server cap.
        con = self.comp(system, "con")
        self.assertEqual([c.name for c in con.caps if c.kind == "endpoint"], ["clients"])

    def test_console_bit_matches_the_c_header(self):
        with open(os.path.join(ROOT, "include", "kaal", "console.h")) as f:
            self.assertIn("#define KAAL_CONSOLE_BADGE_CLIENT (1ull << %d)"
                          % (S.CONSOLE_BADGE_CLIENT.bit_length() - 1), f.read())

    def test_the_console_and_its_driver_get_no_console_channel(self):
        system = self.compile(BASE)
        self.assertIsNone(self.cap(self.comp(system, "con"), "console"))
        self.assertIsNone(self.cap(self.comp(system, "uart"), "console"))

    def test_generated_channels_come_after_the_written_ones(self):
        # The written channels keep their slots, with or without a console.
        without = self.compile(BASE.replace('console = "con"\n', ""))
        system = self.compile(BASE)
        shell, shell0 = self.comp(system, "shell"), self.comp(without, "shell")
        self.assertEqual(self.cap(shell, "rx").slot, self.cap(shell0, "rx").slot)
        self.assertGreater(self.cap(shell, "console").slot, self.cap(shell, "rx").slot)

    def test_no_console_key_means_no_console_channels(self):
        system = self.compile(BASE.replace('console = "con"\n', ""))
        self.assertFalse(any(ch.name.startswith("console.") for ch in system.channels))
        self.assertIsNone(self.cap(self.comp(system, "hello"), "console"))

    def test_blob_gives_init_the_console_cap_by_name(self):
        system = self.compile(BASE)
        blob = binfmt.encode(system)
        dump = binfmt.decode(blob)
        hello = next(c for c in dump["components"] if c["name"] == "hello")
        names = [c["name"] for c in hello["caps"]]
        self.assertIn("console", names)

    def test_console_header_names_each_clients_badge(self):
        system = self.compile(BASE)
        text = component_header(system, self.comp(system, "con"), "system.toml")
        self.assertIn("#define KAAL_BADGE_CLIENTS_HELLO_CONSOLE %d"
                      % (S.CONSOLE_BADGE_CLIENT | 1), text)
        self.assertIn("#define KAAL_CAP_CLIENTS ", text)


class TestConsoleErrors(ConsoleCase):
    def test_unknown_console_component_is_reported_at_the_value(self):
        self.assertEqual(self.errors(BASE.replace('console = "con"', 'console = "cons"')),
                         ["system.toml:3:11: error: unknown console component 'cons'; did you "
                          "mean 'con'? (components: con, hello, shell, uart)"])

    def test_console_must_be_a_string(self):
        self.assertEqual(self.errors(BASE.replace('console = "con"', "console = 1")),
                         ["system.toml:3:11: error: 'console' must be a string, not an "
                          "integer"])

    def test_console_must_be_a_component_name(self):
        self.assertEqual(self.errors(BASE.replace('console = "con"', 'console = "Con!"')),
                         ["system.toml:3:11: error: invalid name 'Con!': expected a lower-case "
                          "identifier ([a-z][a-z0-9_]*, at most 31 characters)"])

    def test_an_end_named_console_clashes_with_the_generated_one(self):
        errs = self.errors(BASE + textwrap.dedent("""
            [[channel]]
            kind = "rpc"
            server = { component = "shell", end = "s" }
            client = { component = "hello", end = "console" }
            """))
        self.assertEqual(len(errs), 1, errs)
        self.assertEqual(errs[0], "system.toml:34:39: error: duplicate name 'console' in "
                         "component 'hello': already used by the client end of channel "
                         "'console.hello' at line 3")


if __name__ == "__main__":
    unittest.main()
