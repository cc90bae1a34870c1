# SPDX-License-Identifier: BSD-2-Clause
"""tools/systoml: boot files ([[component.file]]). Each mistake is reported
at system.toml:LINE:COL with what was expected and nothing is written; a good
file becomes a boot module, a record in the KSYS files table and two macros
in the component's header."""
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(HERE, "systoml"))
from fake_elf import write_fake_elf  # noqa: E402
from systoml import CompileError, binfmt, compile_file  # noqa: E402
from systoml.image import boot_modules  # noqa: E402

COMPILE = os.path.join(ROOT, "tools", "systoml-compile")

# Line 1 is "[system]"; the file table starts at line 8.
BASE = """\
[system]
name = "t"

[[component]]
name = "vfs"
binary = "vfs.elf"

[[component.file]]
name = "rootfs"
path = "rootfs.cpio"
"""


class FilesCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="systoml-files-")
        write_fake_elf(os.path.join(self.dir, "vfs.elf"))
        self.put("rootfs.cpio", b"070701" + bytes(5000))

    def tearDown(self):
        shutil.rmtree(self.dir)

    def put(self, name, data):
        with open(os.path.join(self.dir, name), "wb") as f:
            f.write(data)

    def write(self, text):
        path = os.path.join(self.dir, "system.toml")
        with open(path, "w") as f:
            f.write(textwrap.dedent(text))
        return path

    def errors(self, text):
        with self.assertRaises(CompileError) as cm:
            compile_file(self.write(text), display="system.toml")
        return [str(d) for d in cm.exception.diagnostics]

    def assertOneError(self, text, expected):
        self.assertEqual(self.errors(text), [expected])


class TestFileErrors(FilesCase):
    def test_missing_file_names_the_path_it_looked_for(self):
        errs = self.errors(BASE.replace("rootfs.cpio", "nope.cpio"))
        self.assertEqual(len(errs), 1)
        self.assertTrue(errs[0].startswith(
            "system.toml:10:8: error: file 'nope.cpio' of component 'vfs' not found (looked for "
            "%s" % os.path.join(self.dir, "nope.cpio")), errs[0])

    def test_missing_file_is_fine_when_checking_without_binaries(self):
        os.unlink(os.path.join(self.dir, "rootfs.cpio"))
        system = compile_file(self.write(BASE), check_binaries=False)
        self.assertEqual(system.components[0].files[0].name, "rootfs")

    def test_duplicate_file_name_in_one_component(self):
        self.assertOneError(BASE + '[[component.file]]\nname = "rootfs"\npath = "vfs.elf"\n',
                            "system.toml:12:8: error: duplicate file name 'rootfs' in component "
                            "'vfs' (first at line 9)")

    def test_file_without_a_path(self):
        self.assertOneError(BASE.replace('path = "rootfs.cpio"\n', ""),
                            "system.toml:8:1: error: [[component.file]] has no 'path' (it is "
                            "required)")

    def test_unknown_key_in_a_file_table(self):
        self.assertOneError(BASE + 'max_sise = "64KiB"\n',
                            "system.toml:11:1: error: unknown key 'max_sise' in "
                            "[[component.file]]; did you mean 'max_size'? (expected one of: "
                            "max_size, name, path, vaddr)")

    def test_invalid_file_name(self):
        self.assertOneError(BASE.replace('name = "rootfs"', 'name = "Root FS"'),
                            "system.toml:9:8: error: invalid name 'Root FS': expected a "
                            "lower-case identifier ([a-z][a-z0-9_]*, at most 31 characters)")

    def test_empty_file(self):
        self.put("rootfs.cpio", b"")
        self.assertOneError(BASE, "system.toml:10:8: error: file 'rootfs.cpio' is empty (a boot "
                            "file needs at least one byte)")

    def test_file_larger_than_its_max_size(self):
        self.assertOneError(BASE + 'max_size = "4KiB"\n',
                            "system.toml:10:8: error: file 'rootfs.cpio' has 5006 bytes, more "
                            "than its max_size 4096 (raise max_size)")

    def test_max_size_not_a_page_multiple(self):
        self.assertOneError(BASE + "max_size = 5000\n",
                            "system.toml:11:12: error: max_size 5000 is not a multiple of the "
                            "page size (4096 bytes); expected e.g. 8192")

    def test_vaddr_not_page_aligned(self):
        self.assertOneError(BASE + "vaddr = 0x300000010\n",
                            "system.toml:11:9: error: vaddr 0x300000010 is not page aligned "
                            "(expected a multiple of 0x1000)")

    def test_file_overlapping_the_heap(self):
        self.assertOneError(BASE + "vaddr = 0x40000000\n",
                            "system.toml:11:9: error: overlapping addresses: file 'rootfs' of "
                            "component 'vfs' at 0x40000000..0x40100000 overlaps the heap")

    def test_windows_larger_than_init_maps(self):
        self.assertOneError(BASE + 'max_size = "32MiB"\n',
                            "system.toml:11:12: error: the files of component 'vfs' need 32768 "
                            "KiB of windows; at most 16384 KiB (lower max_size)")

    def test_files_written_as_a_single_table(self):
        self.assertOneError(BASE.replace("[[component.file]]", "[component.file]"),
                            "system.toml:8:1: error: 'file' must be written as "
                            "[[component.file]] tables")

    def test_errors_exit_nonzero_and_write_nothing(self):
        self.write(BASE.replace("rootfs.cpio", "nope.cpio"))
        p = subprocess.run([sys.executable, COMPILE, "system.toml", "-o", "s.ksys",
                            "--header-dir", "inc"], cwd=self.dir, capture_output=True, text=True)
        self.assertEqual(p.returncode, 1)
        self.assertIn("system.toml:10:8: error: file 'nope.cpio'", p.stderr)
        self.assertIn("1 error, nothing written", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "s.ksys")))
        self.assertFalse(os.path.exists(os.path.join(self.dir, "inc")))


class TestFileOutput(FilesCase):
    def test_file_becomes_a_boot_module_and_a_files_record(self):
        system = compile_file(self.write(BASE))
        desc = binfmt.decode(binfmt.encode(system))
        self.assertEqual([m["name"] for m in desc["modules"]], ["vfs.elf", "rootfs.cpio"])
        with open(os.path.join(self.dir, "rootfs.cpio"), "rb") as f:
            data = f.read()
        self.assertEqual(desc["modules"][1]["crc32"], zlib.crc32(data))
        (f,) = desc["components"][0]["files"]
        self.assertEqual((f["name"], f["module"], f["size"], f["max_size"]),
                         ("rootfs", 1, len(data), 1 << 20))
        self.assertEqual(f["vaddr"], 0x80000000)   # first fit in the region window

    def test_same_path_as_another_file_shares_its_module(self):
        text = BASE + textwrap.dedent("""\
            [[component]]
            name = "other"
            binary = "vfs.elf"
            [[component.file]]
            name = "data"
            path = "rootfs.cpio"
            """)
        desc = binfmt.decode(binfmt.encode(compile_file(self.write(text))))
        self.assertEqual(len(desc["modules"]), 2)
        self.assertEqual(desc["components"][1]["files"][0]["module"], 1)

    def test_file_is_placed_after_rings_and_skips_explicit_regions(self):
        write_fake_elf(os.path.join(self.dir, "peer.elf"))
        text = BASE + textwrap.dedent("""\
            [[component]]
            name = "peer"
            binary = "peer.elf"
            [[channel]]
            kind = "ring"
            producer = { component = "peer", end = "tx" }
            consumer = { component = "vfs", end = "rx" }
            """)
        vfs = compile_file(self.write(text)).components[0]
        spans = sorted([(r.vaddr, r.vaddr + r.size) for r in vfs.regions] +
                       [(f.vaddr, f.vaddr + f.window) for f in vfs.files])
        for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
            self.assertLessEqual(e1, s2)
        ring_end = max(r.vaddr + r.size for r in vfs.regions)
        self.assertEqual(vfs.files[0].vaddr, ring_end + 4096)   # after a guard page

    def test_boot_module_list_ends_with_the_file(self):
        toml = self.write(BASE)
        ksys = os.path.join(self.dir, "s.ksys")
        p = subprocess.run([sys.executable, COMPILE, toml, "-o", ksys], capture_output=True,
                           text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        paths = boot_modules(compile_file(toml), ksys, os.path.join(self.dir, "vfs.elf"))
        self.assertEqual(os.path.basename(paths[-1]), "rootfs.cpio")

    def test_header_gives_the_file_address_and_window(self):
        cc = shutil.which("gcc") or shutil.which("cc")
        if not cc:
            self.skipTest("no C compiler")
        self.write(BASE + "vaddr = 0x300000000\nmax_size = \"64KiB\"\n")
        p = subprocess.run([sys.executable, COMPILE, "system.toml", "--no-binaries",
                            "--header-dir", "."], cwd=self.dir, capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        src = os.path.join(self.dir, "check.c")
        with open(src, "w") as f:
            f.write('#include "vfs_caps.h"\n'
                    "_Static_assert(KAAL_FILE_ROOTFS_VADDR == 0x300000000ull, \"vaddr\");\n"
                    "_Static_assert(KAAL_FILE_ROOTFS_MAX_SIZE_BYTES == 65536, \"size\");\n")
        p = subprocess.run([cc, "-std=c11", "-fsyntax-only", "-I", self.dir, src],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)


if __name__ == "__main__":
    unittest.main()
