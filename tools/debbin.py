#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Fetch a Debian binary package that carries a source tarball (e.g.
linux-source-6.1) at build time and extract some of the tarball's files.

    tools/debbin.py --versions mk/debian-sources --cache build/debsrc \
        --dest build/src/linux --tarball usr/src/linux-source-6.1.tar.xz \
        linux-source-6.1 --files 'drivers/net/ethernet/intel/e1000/*' ...

The companion of tools/debsrc.py (same version file, same cache layout,
same fallback): debsrc.py fetches *source* packages; this fetches a
*binary* package with `apt-get download` under a private apt
configuration (CACHE/apt-deb/: a deb822 sources file with the system's
URIs, Suites, Components and Signed-By, its own lists and cache), so the
system's apt setup is neither used nor changed. apt checks the archive's
signature on the Packages index and the .deb's hash against it.

Why a binary package for Linux: Debian's archive mirror here serves
linux-source-6.1_*.deb (139 MB; the Debian-patched tree as one
.tar.xz) but not linux_*.orig.tar.xz, and the two are the same size, so
the binary package costs nothing more (docs/dde-linux.md has the figures).

Downloads are kept in CACHE/pool/; when the .deb of the wanted version is
there, nothing touches the network. Extraction: the .deb's data member
(through dpkg-deb --fsys-tarfile) is streamed, the inner TARBALL found in
it and streamed in turn; members matching the globs (paths relative to the
tarball's top directory, as debsrc.py --files) are written to DEST.
DEST/.debsrc-version holds the version and globs extracted; DEST is
replaced when they differ. Errors: one line on stderr, exit status 1.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tarfile

import debsrc
from debsrc import DebsrcError


def deb_sources(system_text):
    """The system's deb stanzas (URIs, Suites, Components, Signed-By) as a
    deb822 sources file of `Types: deb`."""
    return debsrc.deb_src_sources(system_text).replace("Types: deb-src", "Types: deb")


def deb_name(pkg, version):
    return "%s_%s_all.deb" % (pkg, version.split(":", 1)[-1])


class AptDeb(debsrc.Apt):
    """debsrc.py's private apt, for binary packages (CACHE/apt-deb/)."""
    SUBDIR = "apt-deb"
    SOURCES_NAME = "debbin.sources"
    SHOW = ["show"]
    GET = ["download"]

    @staticmethod
    def sources_for(system_text):
        return deb_sources(system_text)


def have_deb(pool, pkg, version):
    return os.path.isfile(os.path.join(pool, deb_name(pkg, version)))


def fetch(pkg, version, cache, system_sources):
    """(path of the .deb, version): the recorded version, or the archive's
    current one with a warning (debsrc.fetch with a .deb for a .dsc)."""
    return debsrc.fetch(pkg, version, cache, system_sources, apt_class=AptDeb,
                        name_of=deb_name, have=have_deb)


def safe_rel(name):
    """The member's path below the tarball's top directory, or None for
    the top directory itself; DebsrcError for an absolute or .. path."""
    rel = name.split("/", 1)[1] if "/" in name else ""
    if not rel:
        return None
    if rel.startswith("/") or ".." in rel.split("/"):
        raise DebsrcError("unsafe member name %s" % name)
    return rel


def extract_from_deb(deb, tarball, out, globs):
    """Streams TARBALL out of the .deb and the matching members into out."""
    os.makedirs(out, exist_ok=True)
    if shutil.which("dpkg-deb") is None:
        raise DebsrcError("dpkg-deb not found (is dpkg installed?)")
    p = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    n = 0
    found = False
    try:
        with tarfile.open(fileobj=p.stdout, mode="r|") as outer:
            for m in outer:
                if m.name.lstrip("./") != tarball or not m.isfile():
                    continue
                found = True
                with tarfile.open(fileobj=outer.extractfile(m), mode="r|*") as inner:
                    for im in inner:
                        if not (im.isfile() or im.isdir()):
                            continue
                        rel = safe_rel(im.name)
                        if rel is None or not debsrc.member_wanted(im.name, globs):
                            continue
                        im.name = rel
                        inner.extract(im, out, set_attrs=False)
                        n += 1
                break
    except tarfile.TarError as e:
        raise DebsrcError("%s: %s" % (os.path.basename(deb), e))
    finally:
        p.stdout.close()
        p.kill()
        p.wait()
    if not found:
        raise DebsrcError("%s has no %s" % (os.path.basename(deb), tarball))
    if n == 0:
        raise DebsrcError("%s: no member matches %s" % (tarball, " ".join(globs)))


def extract(deb, version, tarball, dest, globs):
    debsrc.extract_into(dest, version + " " + " ".join(globs),
                        lambda out: extract_from_deb(deb, tarball, out, globs))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("package")
    ap.add_argument("--versions", required=True, help="the version file (PACKAGE VERSION lines)")
    ap.add_argument("--cache", required=True, help="download cache directory (under build/)")
    ap.add_argument("--dest", required=True, help="directory to extract into")
    ap.add_argument("--tarball", required=True, help="the source tarball inside the package")
    ap.add_argument("--files", nargs="+", required=True, help="globs of files to extract")
    ap.add_argument("--sources", default=debsrc.SYSTEM_SOURCES, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    try:
        deb, version = fetch(a.package, debsrc.recorded_version(a.versions, a.package),
                             a.cache, a.sources)
        extract(deb, version, a.tarball, a.dest, a.files)
    except DebsrcError as e:
        print("debbin: %s: %s" % (a.package, e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
