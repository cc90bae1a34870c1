# SPDX-License-Identifier: BSD-2-Clause
"""tools/systoml: every kind of system.toml error names file:line:col and
says what was expected; a good file compiles into a KSYS blob and headers."""
import os
import shutil
import subprocess
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

COMPILE = os.path.join(ROOT, "tools", "systoml-compile")

# Two components; tests append channels or replace lines. Line numbers below
# refer to this text (line 1 is "[system]").
BASE = """\
[system]
name = "t"

[[component]]
name = "server"
binary = "server.elf"

[[component]]
name = "client"
binary = "client.elf"
"""


class SystomlCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="systoml-test-")
        for name in ("server.elf", "client.elf"):
            write_fake_elf(os.path.join(self.dir, name))

    def tearDown(self):
        shutil.rmtree(self.dir)

    def write(self, text):
        path = os.path.join(self.dir, "system.toml")
        with open(path, "w") as f:
            f.write(textwrap.dedent(text))
        return path

    def errors(self, text):
        """Compiles text; returns the diagnostics as printed."""
        path = self.write(text)
        with self.assertRaises(CompileError) as cm:
            compile_file(path, display="system.toml")
        return [str(d) for d in cm.exception.diagnostics]

    def compiles(self, text):
        return compile_file(self.write(text), display="system.toml")

    def assertOneError(self, text, expected):
        self.assertEqual(self.errors(text), [expected])


class TestSyntaxErrors(SystomlCase):
    def test_syntax_error_position_comes_from_tomllib(self):
        self.assertOneError(BASE.replace('name = "t"', 'name = "t" "u"'),
                            "system.toml:2:12: error: TOML syntax: expected newline or end of "
                            "document after a statement")

    def test_syntax_error_at_end_of_document_points_at_the_last_line(self):
        self.assertOneError(BASE + 'x = [1,\n  2',
                            "system.toml:12:4: error: TOML syntax: unclosed array")


class TestSchemaErrors(SystomlCase):
    def test_unknown_key_is_reported_with_a_suggestion(self):
        self.assertOneError(BASE + "prioriy = 3\n",
                            "system.toml:11:1: error: unknown key 'prioriy' in [[component]]; "
                            "did you mean 'priority'? (expected one of: binary, cap, config, "
                            "debug_syscalls, devices, dma, file, heap_size, max_restarts, name, "
                            "priority, restart, stack_size)")

    def test_unknown_top_level_table_is_reported(self):
        self.assertOneError(BASE + "[[chanel]]\nkind = \"rpc\"\n",
                            "system.toml:11:1: error: unknown key 'chanel' in the top level; "
                            "did you mean 'channel'? (expected one of: channel, component, "
                            "machine, system)")

    def test_wrong_type_names_the_expected_type(self):
        self.assertOneError(BASE + 'priority = "high"\n',
                            "system.toml:11:12: error: 'priority' must be an integer in 0..255, "
                            "not a string")

    def test_devices_must_be_an_array(self):
        self.assertOneError(BASE + 'devices = "serial0"\n',
                            "system.toml:11:11: error: 'devices' must be an array of device "
                            "names, not a string")

    def test_priority_out_of_range(self):
        self.assertOneError(BASE + "priority = 256\n",
                            "system.toml:11:12: error: priority 256 is out of range "
                            "(expected 0..255)")

    def test_size_not_a_page_multiple(self):
        self.assertOneError(BASE + "heap_size = 5000\n",
                            "system.toml:11:13: error: heap_size 5000 is not a multiple of the "
                            "page size (4096 bytes); expected e.g. 8192")

    def test_size_strings_with_units_are_accepted(self):
        system = self.compiles(BASE + 'heap_size = "2MiB"\nstack_size = "8K"\n')
        self.assertEqual(system.components[1].heap_size, 2 << 20)
        self.assertEqual(system.components[1].stack_size, 8192)

    def test_unknown_restart_policy(self):
        self.assertOneError(BASE + 'restart = "sometimes"\n',
                            "system.toml:11:11: error: unknown restart policy 'sometimes' "
                            "(expected one of: \"never\", \"always\", \"on-failure\")")

    def test_missing_required_key_points_at_the_table_header(self):
        self.assertOneError(BASE.replace('binary = "client.elf"\n', ""),
                            "system.toml:8:1: error: [[component]] #2 has no 'binary' "
                            "(it is required)")

    def test_component_written_as_a_single_table(self):
        self.assertOneError('[system]\nname = "t"\n[component]\nname = "a"\n',
                            "system.toml:3:1: error: 'component' must be written as "
                            "[[component]] tables")

    def test_missing_system_table(self):
        self.assertOneError(BASE.replace('[system]\nname = "t"\n', ""),
                            "system.toml:1:1: error: no [system] table (expected [system] "
                            "with name = \"...\")")

    def test_invalid_name(self):
        self.assertOneError(BASE.replace('"client"', '"Client-1"'),
                            "system.toml:9:8: error: invalid name 'Client-1': expected a "
                            "lower-case identifier ([a-z][a-z0-9_]*, at most 31 characters)")

    def test_config_value_of_unsupported_type(self):
        self.assertOneError(BASE + "[component.config]\nratio = 0.5\n",
                            "system.toml:12:9: error: config value 'ratio' must be an integer, "
                            "string or boolean, not a float")


class TestBinaryErrors(SystomlCase):
    def test_missing_binary_file(self):
        errs = self.errors(BASE.replace("client.elf", "missing.elf"))
        self.assertEqual(len(errs), 1)
        self.assertTrue(errs[0].startswith(
            "system.toml:10:10: error: binary 'missing.elf' of component 'client' not found "
            "(looked for %s" % os.path.join(self.dir, "missing.elf")), errs[0])

    def test_binary_that_is_not_an_elf_executable(self):
        with open(os.path.join(self.dir, "client.elf"), "wb") as f:
            f.write(b"#!/bin/sh\necho hi\n" + bytes(100))
        self.assertOneError(BASE, "system.toml:10:10: error: binary 'client.elf' is not a usable "
                            "component: not an ELF file (no \\x7fELF magic) (expected a static "
                            "x86_64 ELF executable)")

    def test_binaries_are_not_needed_when_checking_without_them(self):
        os.unlink(os.path.join(self.dir, "client.elf"))
        system = compile_file(self.write(BASE), check_binaries=False)
        self.assertEqual([c.name for c in system.components], ["server", "client"])


class TestDeviceErrors(SystomlCase):
    def test_unknown_device_points_at_the_array_element(self):
        self.assertOneError(BASE + 'devices = ["serial0", "serail0"]\n',
                            "system.toml:11:23: error: unknown device 'serail0'; did you mean "
                            "'serial0'? (known devices: debug-exit, e1000, pit, rtc, serial0, "
                            "serial1, virtio-blk, virtio-net)")

    def test_device_granted_twice(self):
        self.assertOneError(BASE + 'devices = ["rtc",\n  "rtc"]\n',
                            "system.toml:12:3: error: device 'rtc' granted twice (first at "
                            "column 12)")


class TestNameErrors(SystomlCase):
    def test_duplicate_component_names(self):
        self.assertOneError(BASE.replace('"client"', '"server"'),
                            "system.toml:9:8: error: duplicate component name 'server' (first "
                            "defined at line 5)")

    def test_duplicate_end_names_in_one_component(self):
        text = BASE + textwrap.dedent("""\
            [[component.cap]]
            name = "link"
            kind = "notification"

            [[channel]]
            kind = "rpc"
            server = { component = "server", end = "requests" }
            client = { component = "client", end = "link" }
            """)
        self.assertOneError(text, "system.toml:18:40: error: duplicate name 'link' in "
                            "component 'client': already used by cap 'link' at line 12")

    def test_name_that_makes_the_same_c_macro_as_a_device_cap(self):
        self.assertOneError(BASE + 'devices = ["serial0"]\n[[component.cap]]\n'
                            'name = "serial0_irq"\nkind = "notification"\n',
                            "system.toml:13:8: error: name 'serial0_irq' in component 'client' "
                            "gives the same C name KAAL_CAP_SERIAL0_IRQ as device 'serial0' at "
                            "line 11")

    def test_duplicate_channel_names(self):
        chan = textwrap.dedent("""\
            [[channel]]
            name = "c"
            kind = "rpc"
            server = { component = "server", end = "e%d" }
            client = { component = "client", end = "f%d" }
            """)
        self.assertOneError(BASE + chan % (1, 1) + chan % (2, 2),
                            "system.toml:17:8: error: duplicate channel name 'c' (first at "
                            "line 12)")

    def test_duplicate_badge_on_one_endpoint(self):
        chan = textwrap.dedent("""\
            [[channel]]
            kind = "rpc"
            server = { component = "server", end = "requests" }
            client = { component = "client", end = "c%d" }
            badge = 4
            """)
        errs = self.errors(BASE + chan % 1 + chan % 2)
        self.assertEqual(errs, ["system.toml:20:9: error: badge 4 is already used on endpoint "
                                "'requests' of component 'server' (by channel "
                                "'server.requests-client.c1'); badges must differ per client"])


class TestChannelErrors(SystomlCase):
    def test_unknown_component_in_a_channel(self):
        self.assertOneError(BASE + textwrap.dedent("""\
            [[channel]]
            kind = "rpc"
            server = { component = "server", end = "requests" }
            client = { component = "clinet", end = "server" }
            """), "system.toml:14:24: error: unknown component 'clinet' in channel; did you "
                  "mean 'client'? (components: client, server)")

    def test_channel_to_itself(self):
        self.assertOneError(BASE + textwrap.dedent("""\
            [[channel]]
            kind = "ring"
            producer = { component = "server", end = "tx" }
            consumer = { component = "server", end = "rx" }
            """), "system.toml:14:26: error: channel connects component 'server' to itself "
                  "(both ends are in the same component; expected two different components)")

    def test_unknown_channel_kind(self):
        self.assertOneError(BASE + '[[channel]]\nkind = "pipe"\n',
                            "system.toml:12:8: error: unknown channel kind 'pipe' (expected "
                            "\"rpc\" or \"ring\")")

    def test_key_of_the_other_channel_kind_is_unknown(self):
        self.assertOneError(BASE + textwrap.dedent("""\
            [[channel]]
            kind = "rpc"
            server = { component = "server", end = "requests" }
            client = { component = "client", end = "server" }
            queue_depth = 8
            """), "system.toml:15:1: error: unknown key 'queue_depth' in an rpc [[channel]] "
                  "(expected one of: badge, client, grant, kind, name, server)")

    def test_end_written_as_a_sub_table_is_located(self):
        self.assertOneError(BASE + textwrap.dedent("""\
            [[channel]]
            kind = "ring"
            [channel.producer]
            component = "server"
            end = "tx"
            [channel.consumer]
            component = "nobody"
            end = "rx"
            """), "system.toml:17:13: error: unknown component 'nobody' in channel "
                  "(components: client, server)")

    def test_queue_depth_must_be_a_power_of_two(self):
        self.assertOneError(BASE + textwrap.dedent("""\
            [[channel]]
            kind = "ring"
            producer = { component = "server", end = "tx" }
            consumer = { component = "client", end = "rx" }
            queue_depth = 100
            """), "system.toml:15:15: error: queue_depth 100 must be a power of two")


class TestAddressErrors(SystomlCase):
    RING = textwrap.dedent("""\
        [[channel]]
        kind = "ring"
        producer = { component = "server", end = "%s" }
        consumer = { component = "client", end = "%s", vaddr = %s }
        data_size = "%s"
        """)

    def test_ring_overlapping_another_ring(self):
        text = BASE + self.RING % ("a", "b", "0x100000000", "64KiB") + \
            self.RING % ("c", "d", "0x100008000", "64KiB")
        self.assertOneError(text, "system.toml:19:55: error: overlapping addresses: ring 'd' "
                            "of component 'client' at 0x100008000..0x100019000 overlaps ring "
                            "'b' (0x100000000..0x100011000)")

    def test_ring_overlapping_the_program_image(self):
        text = BASE + self.RING % ("a", "b", "0x401000", "4KiB")
        self.assertOneError(text, "system.toml:14:55: error: overlapping addresses: ring 'b' "
                            "of component 'client' at 0x401000..0x403000 overlaps the program "
                            "image (ELF segment 0x400000)")

    def test_ring_overlapping_the_heap(self):
        text = BASE + self.RING % ("a", "b", "0x40000000", "4KiB")
        self.assertOneError(text, "system.toml:14:55: error: overlapping addresses: ring 'b' "
                            "of component 'client' at 0x40000000..0x40002000 overlaps the heap")

    def test_vaddr_not_page_aligned(self):
        text = BASE + self.RING % ("a", "b", "0x100000010", "4KiB")
        self.assertOneError(text, "system.toml:14:55: error: vaddr 0x100000010 is not page "
                            "aligned (expected a multiple of 0x1000)")

    def test_ring_data_size_not_page_multiple(self):
        text = BASE + self.RING % ("a", "b", "0x100000000", "1000")
        self.assertOneError(text, "system.toml:15:13: error: data_size 1000 is not a multiple of the "
                            "page size (4096 bytes); expected e.g. 4096")

    def test_program_image_overlapping_the_heap(self):
        write_fake_elf(os.path.join(self.dir, "client.elf"), vaddr=0x40001000)
        self.assertOneError(BASE, "system.toml:10:10: error: overlapping addresses: the program "
                            "image (ELF segment 0x40001000) of component 'client' overlaps the "
                            "heap (0x40000000..0x40010000)")

    def test_automatic_placement_skips_explicit_regions(self):
        text = BASE + self.RING % ("a", "b", "0x80000000", "64KiB") + textwrap.dedent("""\
            [[channel]]
            kind = "ring"
            producer = { component = "server", end = "c" }
            consumer = { component = "client", end = "d" }
            """)
        system = self.compiles(text)
        client = system.components[1]
        spans = sorted((r.vaddr, r.vaddr + r.size) for r in client.regions)
        for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
            self.assertLessEqual(e1, s2)
        self.assertEqual(spans[0][0], 0x80000000)


class TestManyErrors(SystomlCase):
    def test_all_errors_are_reported_in_source_order(self):
        text = BASE.replace('binary = "client.elf"', 'binary = "client.elf"\npriority = -1') + \
            'heap_size = 100\ndevices = ["gpu"]\n'
        errs = self.errors(text)
        self.assertEqual([e.split(": error:")[0] for e in errs],
                         ["system.toml:11:12", "system.toml:12:13", "system.toml:13:12"])


class TestCommandLine(SystomlCase):
    def run_compile(self, *args):
        return subprocess.run([sys.executable, COMPILE, *args], capture_output=True, text=True,
                              cwd=self.dir)

    def test_errors_exit_nonzero_and_write_nothing(self):
        self.write(BASE + "priority = 999\nheap_size = 1\n")
        out = os.path.join(self.dir, "out", "system.ksys")
        p = self.run_compile("system.toml", "-o", out, "--header-dir",
                             os.path.join(self.dir, "out", "include"))
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr.splitlines(), [
            "system.toml:11:12: error: priority 999 is out of range (expected 0..255)",
            "system.toml:12:13: error: heap_size 1 is not a multiple of the page size (4096 "
            "bytes); expected e.g. 4096",
            "system.toml: 2 errors, nothing written"])
        self.assertFalse(os.path.exists(os.path.join(self.dir, "out")))

    def test_failed_run_leaves_the_previous_output_untouched(self):
        self.write(BASE)
        self.assertEqual(self.run_compile("system.toml", "-o", "sys.ksys").returncode, 0)
        with open(os.path.join(self.dir, "sys.ksys"), "rb") as f:
            good = f.read()
        self.write(BASE + "priority = 999\n")
        self.assertEqual(self.run_compile("system.toml", "-o", "sys.ksys").returncode, 1)
        with open(os.path.join(self.dir, "sys.ksys"), "rb") as f:
            self.assertEqual(f.read(), good)
        self.assertEqual(sorted(os.listdir(self.dir)),
                         ["client.elf", "server.elf", "sys.ksys", "system.toml"])

    def test_success_writes_blob_and_one_header_per_component(self):
        self.write(BASE)
        p = self.run_compile("system.toml", "-o", "b/sys.ksys", "--header-dir", "inc")
        self.assertEqual((p.returncode, p.stderr), (0, ""))
        with open(os.path.join(self.dir, "b", "sys.ksys"), "rb") as f:
            desc = binfmt.decode(f.read())
        self.assertEqual([c["name"] for c in desc["components"]], ["server", "client"])
        self.assertEqual(sorted(os.listdir(os.path.join(self.dir, "inc"))),
                         ["client_caps.h", "server_caps.h"])

    def test_missing_toml_file_is_an_error(self):
        p = self.run_compile("nope.toml")
        self.assertEqual(p.returncode, 1)
        self.assertIn("nope.toml: error:", p.stderr)


class TestGeneratedHeader(SystomlCase):
    def test_header_compiles_and_names_the_slots_the_blob_holds(self):
        cc = shutil.which("gcc") or shutil.which("cc")
        if not cc:
            self.skipTest("no C compiler")
        self.write(BASE + textwrap.dedent("""\
            devices = ["serial0"]
            [component.config]
            greeting = "say \\"hi\\""
            [[channel]]
            kind = "rpc"
            server = { component = "server", end = "requests" }
            client = { component = "client", end = "server" }
            badge = 9
            [[channel]]
            kind = "ring"
            producer = { component = "client", end = "tx" }
            consumer = { component = "server", end = "rx" }
            """))
        p = subprocess.run([sys.executable, COMPILE, "system.toml", "-o", "s.ksys",
                            "--header-dir", "."], cwd=self.dir, capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(self.dir, "s.ksys"), "rb") as f:
            desc = binfmt.decode(f.read())
        caps = {c["name"]: c for c in desc["components"][1]["caps"]}
        src = os.path.join(self.dir, "check.c")
        with open(src, "w") as f:
            f.write('#include "client_caps.h"\n'
                    "_Static_assert(KAAL_CAP_SERVER == %d, \"slot\");\n"
                    "_Static_assert(KAAL_CAP_TX == %d, \"slot\");\n"
                    "_Static_assert(KAAL_CAP_EVENTS == %d, \"slot\");\n"
                    "_Static_assert(KAAL_CAP_SERIAL0_IRQ == %d, \"slot\");\n"
                    "_Static_assert(KAAL_DEV_SERIAL0_PORT_BASE == 0x3f8, \"port\");\n"
                    "_Static_assert(sizeof(KAAL_CONFIG_GREETING) == 9, \"config\");\n"
                    "_Static_assert(KAAL_RING_TX_IS_PRODUCER == 1, \"side\");\n"
                    "_Static_assert(KAAL_RING_TX_QUEUE_DEPTH == 64, \"depth\");\n"
                    % (caps["server"]["slot"], caps["tx"]["slot"], caps["events"]["slot"],
                       caps["serial0.irq"]["slot"]))
        with open(os.path.join(self.dir, "server.c"), "w") as f:
            f.write('#include "server_caps.h"\n'
                    "_Static_assert(KAAL_BADGE_REQUESTS_CLIENT_SERVER == 9, \"badge\");\n")
        for name in ("check.c", "server.c"):
            p = subprocess.run([cc, "-std=c11", "-Wall", "-Werror", "-fsyntax-only", name],
                               cwd=self.dir, capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)


if __name__ == "__main__":
    unittest.main()
