#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Fetch a Debian source package at build time and extract it.

    tools/debsrc.py --versions mk/debian-sources --cache build/debsrc \
        --dest build/src/lwip lwip [--files 'src/*' ...]

The version comes from a committed file (lines `PACKAGE VERSION`, `#`
comments). apt does the fetching with a private configuration, so the
system's apt setup is neither used for deb-src nor changed: a deb822
sources file with `Types: deb-src` and the URIs, Suites, Components and
Signed-By of the system's /etc/apt/sources.list.d/debian.sources, in
CACHE/apt/, with its own lists and cache directories. apt checks the
archive's signature (Signed-By) and each file's hash against the signed
Sources index; dpkg-source -x checks them again against the .dsc.

Downloads are kept in CACHE/pool/; when the .dsc of the wanted version and
every file it lists are there, nothing touches the network. If the archive
no longer has the recorded version, the current one is taken with a
warning (the version file should then be updated).

Extraction: without --files, `dpkg-source -x` (Debian's patches applied)
into DEST; with --files GLOB..., only the upstream tarball's members
matching the globs (paths relative to its top directory) are unpacked, and
Debian's patches are not applied (for very large packages, e.g. linux).
DEST/.debsrc-version holds the version extracted; DEST is replaced when it
differs. Errors are one line on stderr and a non-zero exit status.
"""
import argparse
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

SYSTEM_SOURCES = "/etc/apt/sources.list.d/debian.sources"
STAMP = ".debsrc-version"


class DebsrcError(Exception):
    pass


# ---- the parts that need no network (tests/unit/test_debsrc.py) ----

_PKG_RE = re.compile(r"^[a-z0-9][a-z0-9+.-]+$")
_VER_RE = re.compile(r"^([0-9]+:)?[0-9][A-Za-z0-9.+~:-]*$")


def parse_versions(text, path="<versions>"):
    """{package: version} from `PACKAGE VERSION` lines; DebsrcError names
    path:line for anything else."""
    out = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2:
            raise DebsrcError("%s:%d: expected 'PACKAGE VERSION', got '%s'" % (path, n, raw.strip()))
        pkg, ver = parts
        if not _PKG_RE.match(pkg):
            raise DebsrcError("%s:%d: invalid package name '%s'" % (path, n, pkg))
        if not _VER_RE.match(ver):
            raise DebsrcError("%s:%d: invalid version '%s' for %s" % (path, n, ver, pkg))
        if pkg in out:
            raise DebsrcError("%s:%d: %s listed twice" % (path, n, pkg))
        out[pkg] = ver
    return out


def parse_deb822(text):
    """The stanzas of a deb822 file as a list of {field: value} (continuation
    lines joined with spaces; comment lines dropped)."""
    stanzas, cur, last = [], {}, None
    for raw in text.splitlines():
        if raw.startswith("#"):
            continue
        if not raw.strip():
            if cur:
                stanzas.append(cur)
            cur, last = {}, None
            continue
        if raw[0] in " \t":
            if last is None:
                raise DebsrcError("deb822: continuation line without a field: '%s'" % raw.strip())
            cur[last] = (cur[last] + " " + raw.strip()).strip()
            continue
        if ":" not in raw:
            raise DebsrcError("deb822: expected 'Field: value', got '%s'" % raw.strip())
        key, val = raw.split(":", 1)
        last = key.strip()
        cur[last] = val.strip()
    if cur:
        stanzas.append(cur)
    return stanzas


def deb_src_sources(system_text):
    """A deb822 sources file with a `Types: deb-src` stanza for every `deb`
    stanza of the system's sources (same URIs, Suites, Components,
    Signed-By). DebsrcError if there is none."""
    out = []
    for st in parse_deb822(system_text):
        if "deb" not in st.get("Types", "").split():
            continue
        if st.get("Enabled", "yes").lower() == "no":
            continue
        missing = [k for k in ("URIs", "Suites", "Components") if not st.get(k)]
        if missing:
            raise DebsrcError("sources: a deb stanza without %s" % ", ".join(missing))
        lines = ["Types: deb-src"]
        for k in ("URIs", "Suites", "Components", "Signed-By"):
            if st.get(k):
                lines.append("%s: %s" % (k, st[k]))
        out.append("\n".join(lines) + "\n")
    if not out:
        raise DebsrcError("sources: no 'Types: deb' stanza to derive deb-src from")
    return "\n".join(out)


def choose_version(wanted, available, compare):
    """(version to fetch, warning or None): the wanted one if the archive
    has it, else the highest available (compare(a, b) < 0 if a < b)."""
    if wanted in available:
        return wanted, None
    if not available:
        raise DebsrcError("the archive has no version of this source package")
    best = available[0]
    for v in available[1:]:
        if compare(best, v) < 0:
            best = v
    return best, ("version %s is no longer in the archive; using %s instead "
                  "(update the version file)" % (wanted, best))


def strip_clearsign(text):
    """The signed text of an OpenPGP clear-signed message (a .dsc), or the
    text itself if it is not signed. apt has checked the signature."""
    lines = text.splitlines()
    if not lines or lines[0] != "-----BEGIN PGP SIGNED MESSAGE-----":
        return text
    try:
        start = lines.index("", 1) + 1
        end = lines.index("-----BEGIN PGP SIGNATURE-----", start)
    except ValueError:
        raise DebsrcError("a clear-signed file without its signature block")
    return "\n".join(l[2:] if l.startswith("- ") else l for l in lines[start:end]) + "\n"


def parse_dsc_files(dsc_text):
    """The file names a .dsc lists (its Files / Checksums-Sha256 field)."""
    for st in parse_deb822(strip_clearsign(dsc_text)):
        field = st.get("Checksums-Sha256") or st.get("Files")
        if field:
            return [w.split()[-1] for w in _field_lines(field)]
    raise DebsrcError("the .dsc lists no files")


def _field_lines(value):
    words = value.split()
    # each entry is "hash size name"
    if len(words) % 3:
        raise DebsrcError("the .dsc has a malformed file list")
    return [" ".join(words[i:i + 3]) for i in range(0, len(words), 3)]


def member_wanted(name, globs):
    """True if a tarball member (with its top directory) matches a glob
    relative to that top directory, or lies under a matching directory."""
    rel = name.split("/", 1)[1] if "/" in name else ""
    if not rel:
        return False
    for g in globs:
        g = g.rstrip("/")
        if fnmatch.fnmatchcase(rel, g) or rel.startswith(g + "/"):
            return True
    return False


# ---- apt and dpkg ----

def dsc_name(pkg, version):
    return "%s_%s.dsc" % (pkg, version.split(":", 1)[-1])


class Apt:
    """apt under a private configuration in CACHE/SUBDIR. The class
    attributes say what kind of package it fetches (tools/debbin.py's
    subclass fetches binary packages)."""
    SUBDIR = "apt"
    SOURCES_NAME = "debsrc.sources"
    SHOW = ["showsrc", "--only-source"]  # apt-cache: the package's Version: lines
    GET = ["source", "--download-only"]  # apt-get: PKG=VERSION into the pool

    @staticmethod
    def sources_for(system_text):
        return deb_src_sources(system_text)

    def __init__(self, cache):
        self.dir = os.path.abspath(os.path.join(cache, self.SUBDIR))
        self.opts = ["-o", "Dir::Etc::SourceList=/dev/null",
                     "-o", "Dir::Etc::SourceParts=" + os.path.join(self.dir, "sources"),
                     "-o", "Dir::State::Lists=" + os.path.join(self.dir, "lists"),
                     "-o", "Dir::Cache=" + os.path.join(self.dir, "cache"),
                     "-o", "Debug::NoLocking=1", "-o", "APT::Sandbox::User=root", "-q"]

    def setup(self, system_sources):
        try:
            with open(system_sources) as f:
                text = f.read()
        except OSError as e:
            raise DebsrcError("cannot read %s: %s" % (system_sources, e.strerror))
        for d in ("sources", "lists/partial", "cache/archives/partial"):
            os.makedirs(os.path.join(self.dir, d), exist_ok=True)
        with open(os.path.join(self.dir, "sources", self.SOURCES_NAME), "w") as f:
            f.write(self.sources_for(text))

    def run(self, tool, args, cwd=None):
        if shutil.which(tool) is None:
            raise DebsrcError("%s not found (is apt installed?)" % tool)
        p = subprocess.run([tool] + self.opts + args, cwd=cwd, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        return p

    def update(self):
        p = self.run("apt-get", ["update"])
        errs = [l for l in p.stderr.splitlines() if l.startswith(("E:", "W:", "Err"))]
        if p.returncode != 0 or any(l.startswith(("E:", "Err")) for l in errs):
            raise DebsrcError("apt-get update failed (no network?): %s"
                              % (errs[0] if errs else p.stderr.strip().splitlines()[-1:]))

    def versions(self, pkg):
        p = self.run("apt-cache", self.SHOW + [pkg])
        return [l.split(":", 1)[1].strip() for l in p.stdout.splitlines()
                if l.startswith("Version:")]

    def download(self, pkg, version, pool):
        p = self.run("apt-get", self.GET + ["%s=%s" % (pkg, version)], cwd=pool)
        if p.returncode != 0:
            err = [l for l in p.stderr.splitlines() if l.startswith("E:")]
            raise DebsrcError("apt-get %s %s=%s failed: %s"
                              % (self.GET[0], pkg, version,
                                 err[0] if err else "exit %d" % p.returncode))


def dpkg_compare(a, b):
    if subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0:
        return -1
    return 0 if a == b else 1


def cached(pool, pkg, version):
    dsc = os.path.join(pool, dsc_name(pkg, version))
    if not os.path.isfile(dsc):
        return False
    with open(dsc, errors="replace") as f:
        files = parse_dsc_files(f.read())
    return all(os.path.isfile(os.path.join(pool, n)) for n in files)


def fetch(pkg, version, cache, system_sources, apt_class=Apt, name_of=dsc_name, have=cached):
    """(path, version) of pkg's download in CACHE/pool: the recorded version,
    or the current one with a warning. name_of(pkg, version) is the file
    name, have(pool, pkg, version) whether the download is complete; the
    defaults are a source package's .dsc and the files it lists."""
    pool = os.path.abspath(os.path.join(cache, "pool"))
    os.makedirs(pool, exist_ok=True)
    if have(pool, pkg, version):
        return os.path.join(pool, name_of(pkg, version)), version
    # An earlier build's fallback: the same warning, no network.
    note = os.path.join(pool, pkg + ".fallback")
    if os.path.isfile(note):
        with open(note) as f:
            words = f.read().split()
        if len(words) == 2 and words[0] == version and have(pool, pkg, words[1]):
            print("debsrc: warning: %s: version %s is no longer in the archive; using %s "
                  "instead (update the version file)" % (pkg, version, words[1]), file=sys.stderr)
            return os.path.join(pool, name_of(pkg, words[1])), words[1]
    apt = apt_class(cache)
    apt.setup(system_sources)
    apt.update()
    chosen, warning = choose_version(version, apt.versions(pkg), dpkg_compare)
    if warning:
        print("debsrc: warning: %s: %s" % (pkg, warning), file=sys.stderr)
    if not have(pool, pkg, chosen):
        apt.download(pkg, chosen, pool)
    if not have(pool, pkg, chosen):
        raise DebsrcError("apt-get %s %s=%s left no complete download in %s"
                          % (apt.GET[0], pkg, chosen, pool))
    if warning:
        with open(note, "w") as f:
            f.write("%s %s\n" % (version, chosen))
    return os.path.join(pool, name_of(pkg, chosen)), chosen


def extract(dsc, version, dest, globs):
    def unpack(out):
        if globs:
            _extract_members(dsc, out, globs)
            return
        if shutil.which("dpkg-source") is None:
            raise DebsrcError("dpkg-source not found (install dpkg-dev)")
        p = subprocess.run(["dpkg-source", "--no-copy", "-x", dsc, out],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            err = p.stderr.strip().splitlines()
            raise DebsrcError("dpkg-source -x %s failed: %s"
                              % (os.path.basename(dsc), err[-1] if err else p.returncode))
    extract_into(dest, version + ("" if not globs else " " + " ".join(globs)), unpack)


def extract_into(dest, key, unpack):
    """unpack(out) fills a fresh directory that then replaces DEST, unless
    DEST/.debsrc-version already says key (what was extracted, and from
    which version)."""
    stamp = os.path.join(dest, STAMP)
    if os.path.isfile(stamp):
        with open(stamp) as f:
            if f.read().strip() == key:
                os.utime(stamp)  # up to date: make sees it newer than the version file
                return
    parent = os.path.dirname(os.path.abspath(dest))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".debsrc-", dir=parent)
    try:
        out = os.path.join(tmp, "src")
        unpack(out)
        with open(os.path.join(out, STAMP), "w") as f:
            f.write(key + "\n")
        if os.path.exists(dest):
            shutil.rmtree(dest)
        os.rename(out, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def recorded_version(versions_path, pkg):
    """The version the version file records for pkg; DebsrcError if none."""
    try:
        with open(versions_path) as f:
            versions = parse_versions(f.read(), versions_path)
    except OSError as e:
        raise DebsrcError("cannot read %s: %s" % (versions_path, e.strerror))
    if pkg not in versions:
        raise DebsrcError("%s: no version recorded for %s" % (versions_path, pkg))
    return versions[pkg]


def _extract_members(dsc, out, globs):
    pool = os.path.dirname(dsc)
    with open(dsc, errors="replace") as f:
        names = parse_dsc_files(f.read())
    orig = [n for n in names if ".orig.tar." in n] or [n for n in names if ".tar." in n]
    if not orig:
        raise DebsrcError("%s names no upstream tarball" % os.path.basename(dsc))
    os.makedirs(out)
    n = 0
    with tarfile.open(os.path.join(pool, orig[0])) as tf:
        for m in tf:
            if not member_wanted(m.name, globs) or not (m.isfile() or m.isdir() or m.issym()):
                continue
            rel = m.name.split("/", 1)[1]
            if rel.startswith("/") or ".." in rel.split("/"):
                raise DebsrcError("%s: unsafe member name %s" % (orig[0], m.name))
            m.name = rel
            tf.extract(m, out, set_attrs=False)
            n += 1
    if n == 0:
        raise DebsrcError("%s: no member matches %s" % (orig[0], " ".join(globs)))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("package")
    ap.add_argument("--versions", required=True, help="the version file (PACKAGE VERSION lines)")
    ap.add_argument("--cache", required=True, help="download cache directory (under build/)")
    ap.add_argument("--dest", required=True, help="directory to extract into")
    ap.add_argument("--files", nargs="+", default=[], help="globs of upstream files to extract")
    ap.add_argument("--sources", default=SYSTEM_SOURCES, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    try:
        dsc, version = fetch(a.package, recorded_version(a.versions, a.package), a.cache,
                             a.sources)
        extract(dsc, version, a.dest, a.files)
    except DebsrcError as e:
        print("debsrc: %s: %s" % (a.package, e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
