# SPDX-License-Identifier: BSD-2-Clause
"""tools/debsrc.py, the parts without network: the version file, the deb-src
sources file made from the system's debian.sources, the fallback to the
archive's current version, the .dsc file list and the --files globs."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import debsrc  # noqa: E402

DEBIAN_SOURCES = """Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""

DSC = """-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA512

Format: 3.0 (quilt)
Source: lwip
Version: 2.1.3+dfsg1-2
Checksums-Sha256:
 aa11 803000 lwip_2.1.3+dfsg1.orig.tar.xz
 bb22 29700 lwip_2.1.3+dfsg1-2.debian.tar.xz
Files:
 cc33 803000 lwip_2.1.3+dfsg1.orig.tar.xz
 dd44 29700 lwip_2.1.3+dfsg1-2.debian.tar.xz

-----BEGIN PGP SIGNATURE-----
xyz
-----END PGP SIGNATURE-----
"""


def numeric_compare(a, b):
    ka = [int(x) for x in a.split(".")]
    kb = [int(x) for x in b.split(".")]
    return (ka > kb) - (ka < kb)


class TestVersionFile(unittest.TestCase):
    def test_packages_and_versions_are_read_with_comments_and_blank_lines(self):
        text = "# header\n\nlwip 2.1.3+dfsg1-2   # the stack\nlinux 6.1.137-1\nbusybox 1:1.35.0-4\n"
        self.assertEqual(debsrc.parse_versions(text),
                         {"lwip": "2.1.3+dfsg1-2", "linux": "6.1.137-1", "busybox": "1:1.35.0-4"})

    def test_bad_lines_name_file_and_line(self):
        bad = [
            ("lwip\n", "v:1: expected 'PACKAGE VERSION'"),
            ("lwip 2.1 extra\n", "v:1: expected 'PACKAGE VERSION'"),
            ("\nLWIP 2.1\n", "v:2: invalid package name 'LWIP'"),
            ("lwip/x 2.1\n", "invalid package name"),
            ("lwip abc\n", "v:1: invalid version 'abc'"),
            ("lwip 2.1;rm\n", "invalid version"),
            ("lwip 2.1\nlwip 2.2\n", "v:2: lwip listed twice"),
        ]
        for text, msg in bad:
            with self.subTest(text=text):
                with self.assertRaises(debsrc.DebsrcError) as cm:
                    debsrc.parse_versions(text, "v")
                self.assertIn(msg, str(cm.exception))


class TestSourcesFile(unittest.TestCase):
    def test_every_deb_stanza_becomes_a_deb_src_stanza_with_its_fields(self):
        st = debsrc.parse_deb822(debsrc.deb_src_sources(DEBIAN_SOURCES))
        self.assertEqual(len(st), 2)
        self.assertEqual(st[0], {
            "Types": "deb-src", "URIs": "http://deb.debian.org/debian",
            "Suites": "bookworm bookworm-updates", "Components": "main",
            "Signed-By": "/usr/share/keyrings/debian-archive-keyring.gpg"})
        self.assertEqual(st[1]["URIs"], "http://deb.debian.org/debian-security")
        self.assertEqual(st[1]["Types"], "deb-src")

    def test_disabled_and_src_only_stanzas_are_skipped(self):
        text = DEBIAN_SOURCES.replace("Types: deb\nURIs: http://deb.debian.org/debian-security",
                                      "Types: deb\nEnabled: no\nURIs: http://x")
        self.assertEqual(len(debsrc.parse_deb822(debsrc.deb_src_sources(text))), 1)

    def test_sources_without_a_usable_deb_stanza_are_errors(self):
        bad = [
            ("", "no 'Types: deb' stanza"),
            ("Types: deb-src\nURIs: http://x\nSuites: s\nComponents: main\n", "no 'Types: deb'"),
            ("Types: deb\nURIs: http://x\nComponents: main\n", "without Suites"),
            ("Types: deb\nnot a field\n", "expected 'Field: value'"),
            (" continuation\n", "continuation line without a field"),
        ]
        for text, msg in bad:
            with self.subTest(text=text):
                with self.assertRaises(debsrc.DebsrcError) as cm:
                    debsrc.deb_src_sources(text)
                self.assertIn(msg, str(cm.exception))


class TestFallback(unittest.TestCase):
    def test_the_recorded_version_is_used_when_the_archive_has_it(self):
        self.assertEqual(debsrc.choose_version("2.1", ["2.3", "2.1"], numeric_compare), ("2.1", None))

    def test_a_replaced_version_falls_back_to_the_highest_with_a_warning(self):
        v, warn = debsrc.choose_version("2.1", ["2.2", "2.10", "2.3"], numeric_compare)
        self.assertEqual(v, "2.10")
        self.assertIn("2.1 is no longer in the archive; using 2.10", warn)

    def test_no_version_at_all_is_an_error(self):
        with self.assertRaises(debsrc.DebsrcError):
            debsrc.choose_version("2.1", [], numeric_compare)


class TestDsc(unittest.TestCase):
    def test_the_files_of_a_clear_signed_dsc_are_listed(self):
        self.assertEqual(debsrc.parse_dsc_files(DSC),
                         ["lwip_2.1.3+dfsg1.orig.tar.xz", "lwip_2.1.3+dfsg1-2.debian.tar.xz"])

    def test_a_dsc_without_files_or_signature_end_is_an_error(self):
        for text in ("Source: x\n", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: x\n\nSource: x\n",
                     "Files:\n aa 12\n"):
            with self.subTest(text=text):
                with self.assertRaises(debsrc.DebsrcError):
                    debsrc.parse_dsc_files(text)

    def test_dsc_name_drops_the_epoch(self):
        self.assertEqual(debsrc.dsc_name("busybox", "1:1.35.0-4"), "busybox_1.35.0-4.dsc")


class TestMemberGlobs(unittest.TestCase):
    def test_globs_match_paths_below_the_top_directory(self):
        g = ["src/core/*.c", "src/include"]
        self.assertTrue(debsrc.member_wanted("lwip-2.1.3/src/core/tcp.c", g))
        self.assertTrue(debsrc.member_wanted("lwip-2.1.3/src/include/lwip/tcp.h", g))
        self.assertFalse(debsrc.member_wanted("lwip-2.1.3/src/netif/ethernet.c", g))
        self.assertFalse(debsrc.member_wanted("lwip-2.1.3/", g))
        self.assertFalse(debsrc.member_wanted("lwip-2.1.3/src/includes/x.h", g))


if __name__ == "__main__":
    unittest.main()
