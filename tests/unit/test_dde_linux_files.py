# SPDX-License-Identifier: BSD-2-Clause
"""DDE-Linux compiles Linux's files unmodified: every file of Linux's tree that
a build of the e1000 component or the shim read (the compiler's dependency
files, *.d, name them) is byte-identical to the same file in Debian's
linux-source-6.1 package that tools/debbin.py fetched (the .deb in the
download cache, read again here, not the extracted copy). Also the parts of
tools/debbin.py that need no network. Skipped before a build has fetched
the package."""
import glob
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools"))
import debbin  # noqa: E402
import debsrc  # noqa: E402

BUILD = os.environ.get("KAAL_BUILD", os.path.join(ROOT, "build"))
LINUX = os.path.join(BUILD, "src", "linux")
TARBALL = "usr/src/linux-source-6.1.tar.xz"


def used_linux_files():
    """Paths relative to Linux's tree of every Linux file a compile read."""
    used = set()
    top = os.path.realpath(LINUX) + os.sep
    for d in glob.glob(os.path.join(BUILD, "**", "*.d"), recursive=True):
        with open(d, errors="replace") as f:
            words = f.read().replace("\\\n", " ").split()
        for w in words:
            w = w.rstrip(":")
            p = os.path.realpath(os.path.join(ROOT, w))
            if p.startswith(top) and os.path.isfile(p):
                used.add(p[len(top):])
    return used


def package_digests(deb, wanted):
    """{path: sha256} of the wanted files as the package has them."""
    out = {}
    p = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    try:
        with tarfile.open(fileobj=p.stdout, mode="r|") as outer:
            for m in outer:
                if m.name.lstrip("./") != TARBALL:
                    continue
                with tarfile.open(fileobj=outer.extractfile(m), mode="r|*") as inner:
                    for im in inner:
                        rel = debbin.safe_rel(im.name) if im.isfile() else None
                        if rel in wanted:
                            out[rel] = hashlib.sha256(inner.extractfile(im).read()).hexdigest()
                            if len(out) == len(wanted):
                                break
                break
    finally:
        p.stdout.close()
        p.kill()
        p.wait()
    return out


class LinuxFilesUnmodified(unittest.TestCase):
    def test_every_linux_file_compiled_is_the_packages_own(self):
        stamp = os.path.join(LINUX, debsrc.STAMP)
        if not os.path.isfile(stamp):
            self.skipTest("Linux's files are not fetched yet (make builds the e1000 component)")
        with open(stamp) as f:
            version = f.read().split()[0]
        deb = os.path.join(BUILD, "debsrc", "pool", debbin.deb_name("linux-source-6.1", version))
        self.assertTrue(os.path.isfile(deb), "the fetched package is gone: %s" % deb)
        used = used_linux_files()
        e1000 = {"drivers/net/ethernet/intel/e1000/%s" % n for n in
                 ("e1000_main.c", "e1000_hw.c", "e1000_param.c", "e1000_ethtool.c",
                  "e1000.h", "e1000_hw.h", "e1000_osdep.h")}
        self.assertTrue(e1000 <= used, "not compiled (yet?): %s" % sorted(e1000 - used))
        digests = package_digests(deb, used)
        self.assertEqual(sorted(used - set(digests)), [], "not in the package")
        changed = []
        for rel in sorted(used):
            with open(os.path.join(LINUX, rel), "rb") as f:
                if hashlib.sha256(f.read()).hexdigest() != digests[rel]:
                    changed.append(rel)
        self.assertEqual(changed, [], "differ from the package's")


class DebbinOffline(unittest.TestCase):
    def test_deb_sources_keep_the_system_stanzas_as_binary_sources(self):
        text = ("Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\n"
                "Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n")
        st = debsrc.parse_deb822(debbin.deb_sources(text))
        self.assertEqual(st, [{"Types": "deb", "URIs": "http://deb.debian.org/debian",
                               "Suites": "bookworm", "Components": "main",
                               "Signed-By": "/usr/share/keyrings/debian-archive-keyring.gpg"}])

    def test_member_names_that_leave_the_tree_are_refused(self):
        self.assertEqual(debbin.safe_rel("linux-source-6.1/drivers/a.c"), "drivers/a.c")
        self.assertIsNone(debbin.safe_rel("linux-source-6.1"))
        for bad in ("linux-source-6.1/../etc/passwd", "x//etc/passwd", "x/a/../../b"):
            with self.assertRaises(debsrc.DebsrcError):
                debbin.safe_rel(bad)

    def test_extraction_takes_only_the_globbed_members_of_the_inner_tarball(self):
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            inner = io.BytesIO()
            with tarfile.open(fileobj=inner, mode="w:xz") as t:
                for name, data in (("linux-source-6.1/drivers/net/e1000/a.c", b"A"),
                                   ("linux-source-6.1/drivers/net/other.c", b"B"),
                                   ("linux-source-6.1/include/uapi/linux/x.h", b"C")):
                    ti = tarfile.TarInfo(name)
                    ti.size = len(data)
                    t.addfile(ti, io.BytesIO(data))
            pkg = os.path.join(tmp, "pkg")
            os.makedirs(os.path.join(pkg, "DEBIAN"))
            os.makedirs(os.path.join(pkg, "usr", "src"))
            with open(os.path.join(pkg, "DEBIAN", "control"), "w") as f:
                f.write("Package: linux-source-6.1\nVersion: 1\nArchitecture: all\n"
                        "Maintainer: t <t@t>\nDescription: t\n")
            with open(os.path.join(pkg, TARBALL), "wb") as f:
                f.write(inner.getvalue())
            deb = os.path.join(tmp, "p.deb")
            subprocess.run(["dpkg-deb", "--build", "-Zgzip", pkg, deb], check=True,
                           stdout=subprocess.DEVNULL)
            out = os.path.join(tmp, "out")
            os.makedirs(out)
            debbin.extract_from_deb(deb, TARBALL, out, ["drivers/net/e1000/*", "include/uapi/*"])
            got = sorted(os.path.relpath(os.path.join(d, f), out)
                         for d, _, fs in os.walk(out) for f in fs)
            self.assertEqual(got, ["drivers/net/e1000/a.c", "include/uapi/linux/x.h"])
            with self.assertRaises(debsrc.DebsrcError):
                debbin.extract_from_deb(deb, TARBALL, out, ["nothing/*"])


if __name__ == "__main__":
    unittest.main()
