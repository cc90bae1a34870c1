# SPDX-License-Identifier: BSD-2-Clause
"""tools/mkcpio.py: the newc archives it writes are what the Linux kernel
and Debian's cpio read (parent directories first, 4-byte alignment, device
nodes, trailer), and its reader rejects damaged archives."""
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import mkcpio  # noqa: E402


def sample_archive():
    w = mkcpio.CpioWriter()
    w.add_char("/dev/console", 5, 1)
    w.add_file("/init", b"\x7fELF-not-really", 0o755)
    w.add_file("etc/motd", b"abc")          # 3 bytes: data needs padding
    w.add_symlink("/bin/sh", "/init")
    return w.finish()


class TestMkcpio(unittest.TestCase):
    def test_entries_read_back_with_names_modes_and_data(self):
        entries = {e.name: e for e in mkcpio.read_newc(sample_archive())}
        self.assertEqual(entries["init"].data, b"\x7fELF-not-really")
        self.assertEqual(entries["init"].mode, stat.S_IFREG | 0o755)
        self.assertEqual(entries["etc/motd"].data, b"abc")
        self.assertEqual(entries["bin/sh"].mode, stat.S_IFLNK | 0o777)
        self.assertEqual(entries["bin/sh"].data, b"/init")
        console = entries["dev/console"]
        self.assertTrue(stat.S_ISCHR(console.mode))
        self.assertEqual((console.rdevmajor, console.rdevminor), (5, 1))

    def test_parent_directories_come_before_their_children(self):
        names = [e.name for e in mkcpio.read_newc(sample_archive())]
        self.assertEqual(names, ["dev", "dev/console", "init", "etc", "etc/motd",
                                 "bin", "bin/sh"])
        for e in mkcpio.read_newc(sample_archive()):
            if e.name in ("dev", "etc", "bin"):
                self.assertTrue(stat.S_ISDIR(e.mode))

    def test_archive_is_aligned_and_ends_with_trailer(self):
        blob = sample_archive()
        self.assertEqual(len(blob) % 4, 0)
        self.assertIn(b"TRAILER!!!\0", blob[-128:])
        self.assertEqual(blob[:6], b"070701")

    def test_same_input_gives_identical_bytes(self):
        self.assertEqual(sample_archive(), sample_archive())

    def test_duplicate_and_dotdot_paths_are_refused(self):
        w = mkcpio.CpioWriter()
        w.add_file("a", b"")
        with self.assertRaises(mkcpio.CpioError):
            w.add_file("/a", b"")
        with self.assertRaises(mkcpio.CpioError):
            w.add_file("x/../y", b"")

    def test_truncated_or_corrupt_archive_is_rejected(self):
        blob = sample_archive()
        with self.assertRaises(mkcpio.CpioError):
            mkcpio.read_newc(blob[:-20])
        with self.assertRaises(mkcpio.CpioError):
            mkcpio.read_newc(b"070702" + blob[6:])

    @unittest.skipUnless(shutil.which("cpio"), "Debian's cpio is not installed")
    def test_debian_cpio_lists_and_extracts_the_archive(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "a.cpio")
            src = os.path.join(tmp, "payload")
            with open(src, "wb") as fh:
                fh.write(bytes(range(256)) * 5)
            self.assertEqual(mkcpio.main(["-o", path, "--dir", "/sys", "--file",
                                          "/bin/payload=%s:0750" % src,
                                          "--symlink", "/init=/bin/payload"]), 0)
            with open(path, "rb") as fh:
                blob = fh.read()
            listing = subprocess.run(["cpio", "-it", "--quiet"], input=blob,
                                     capture_output=True, check=True).stdout.decode()
            self.assertEqual(listing.split(), ["sys", "bin", "bin/payload", "init"])
            out = os.path.join(tmp, "out")
            os.mkdir(out)
            subprocess.run(["cpio", "-id", "--quiet", "--no-absolute-filenames"],
                           input=blob, cwd=out, check=True)
            with open(os.path.join(out, "bin", "payload"), "rb") as fh:
                self.assertEqual(fh.read(), bytes(range(256)) * 5)
            self.assertEqual(os.stat(os.path.join(out, "bin", "payload")).st_mode & 0o777, 0o750)
            self.assertEqual(os.readlink(os.path.join(out, "init")), "/bin/payload")


class TestMkcpioTree(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="mkcpio-tree-")
        self.top = os.path.join(self.tmp, "rootfs")
        os.makedirs(os.path.join(self.top, "etc", "init.d"))
        with open(os.path.join(self.top, "etc", "motd"), "wb") as fh:
            fh.write(b"hello\n")
        os.chmod(os.path.join(self.top, "etc", "motd"), 0o640)
        os.utime(os.path.join(self.top, "etc", "motd"), (1700000000, 1700000000))
        with open(os.path.join(self.top, "README"), "wb") as fh:
            fh.write(b"readme")
        os.symlink("etc/motd", os.path.join(self.top, "motd"))

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_tree_becomes_the_archive_root_with_modes_and_mtimes(self):
        out = os.path.join(self.tmp, "t.cpio")
        self.assertEqual(mkcpio.main(["-o", out, "--tree", self.top]), 0)
        with open(out, "rb") as fh:
            entries = {e.name: e for e in mkcpio.read_newc(fh.read())}
        self.assertEqual(sorted(entries), ["README", "etc", "etc/init.d", "etc/motd", "motd"])
        motd = entries["etc/motd"]
        self.assertEqual((motd.mode, motd.mtime, motd.data), (stat.S_IFREG | 0o640, 1700000000,
                                                              b"hello\n"))
        self.assertTrue(stat.S_ISDIR(entries["etc/init.d"].mode))
        self.assertEqual(entries["motd"].data, b"etc/motd")
        self.assertTrue(stat.S_ISLNK(entries["motd"].mode))

    def test_tree_gives_identical_bytes_twice(self):
        a = mkcpio.CpioWriter()
        a.add_tree(self.top)
        b = mkcpio.CpioWriter()
        b.add_tree(self.top)
        self.assertEqual(a.finish(), b.finish())

    def test_fifo_in_the_tree_is_refused(self):
        os.mkfifo(os.path.join(self.top, "pipe"))
        with self.assertRaises(mkcpio.CpioError):
            mkcpio.CpioWriter().add_tree(self.top)

    def test_tree_that_is_not_a_directory_fails(self):
        out = os.path.join(self.tmp, "t.cpio")
        self.assertEqual(mkcpio.main(["-o", out, "--tree", os.path.join(self.tmp, "nope")]), 1)
        self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    unittest.main()
