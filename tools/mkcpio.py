#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Writes (and reads back) cpio archives in the "newc" format, the format the
Linux kernel unpacks as an initramfs and the one KaaL uses for file-system
images.

Format (see the kernel's Documentation/driver-api/early-userspace/
buffer-format.rst and cpio(5)): each entry is a 110-byte ASCII header, the
magic "070701" followed by thirteen 8-digit hexadecimal fields (ino, mode,
uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor,
namesize, check), then the NUL-terminated path, padded with NULs so the data
starts on a 4-byte boundary, then the data, padded to 4 bytes again. The
archive ends with an entry named "TRAILER!!!".

Invariants of what this writer produces: paths are stored without a leading
"/"; every parent directory is emitted before its children (added
automatically when the caller did not add it); inode numbers are unique and
assigned in order; mtime, uid and gid are 0 unless given, so the same inputs
give a byte-identical archive. Device nodes are plain header entries, so no
privilege is needed to make a /dev/console for an initramfs.

Command line:
    mkcpio.py -o OUT [--gzip] [--tree DIR] [--dir PATH]... [--file PATH=SRC[:MODE]]...
              [--char PATH=MAJOR:MINOR] [--symlink PATH=TARGET]
e.g.
    mkcpio.py -o initramfs.cpio --char /dev/console=5:1 --file /init=linuxbench:0755
    mkcpio.py -o rootfs.cpio --tree system/rootfs     # the tree under DIR becomes /
--tree adds DIR's directories, regular files and symlinks in sorted order
with their permission bits and mtimes (uid and gid 0); other file types
are refused.

Python API:
    w = CpioWriter(); w.add_file("init", data, 0o755); blob = w.finish()
    for entry in read_newc(blob): entry.name, entry.mode, entry.data, ...
"""
import argparse
import collections
import gzip
import os
import stat
import sys

MAGIC = b"070701"
TRAILER = "TRAILER!!!"
HEADER_SIZE = 110
FIELDS = ("ino", "mode", "uid", "gid", "nlink", "mtime", "filesize",
          "devmajor", "devminor", "rdevmajor", "rdevminor", "namesize", "check")

Entry = collections.namedtuple("Entry", "name mode uid gid nlink mtime rdevmajor rdevminor data")


class CpioError(ValueError):
    pass


def _pad4(n):
    return (4 - n % 4) % 4


def _norm(path):
    """Archive path: no leading '/', no empty or '.' components, no '..'."""
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if not parts:
        raise CpioError("empty path %r" % path)
    if ".." in parts:
        raise CpioError("path %r contains '..'" % path)
    return "/".join(parts)


class CpioWriter:
    """Accumulates entries in memory; finish() returns the archive bytes."""

    def __init__(self):
        self._chunks = []
        self._next_ino = 1
        self._names = set()
        self._finished = False   # the trailer is written; no more entries

    def _emit(self, name, mode, data=b"", nlink=1, uid=0, gid=0, mtime=0,
              rdev=(0, 0)):
        encoded = name.encode() + b"\0"
        values = (self._next_ino, mode, uid, gid, nlink, mtime, len(data),
                  0, 0, rdev[0], rdev[1], len(encoded), 0)
        for field, v in zip(FIELDS, values):
            if not 0 <= v <= 0xFFFFFFFF:
                raise CpioError("%s: field %s out of range (%d)" % (name, field, v))
        self._next_ino += 1
        header = MAGIC + b"".join(b"%08X" % v for v in values)
        self._chunks += [header, encoded, b"\0" * _pad4(HEADER_SIZE + len(encoded)),
                         data, b"\0" * _pad4(len(data))]

    def _add(self, path, mode, data=b"", **kw):
        if self._finished:
            raise CpioError("archive already finished")
        name = _norm(path)
        if name in self._names:
            raise CpioError("duplicate path %r" % path)
        parent = name.rpartition("/")[0]
        if parent and parent not in self._names:
            self.add_dir(parent)
        self._names.add(name)
        self._emit(name, mode, data, **kw)

    def add_dir(self, path, mode=0o755, mtime=0):
        self._add(path, stat.S_IFDIR | (mode & 0o7777), nlink=2, mtime=mtime)

    def add_file(self, path, data, mode=0o644, mtime=0):
        self._add(path, stat.S_IFREG | (mode & 0o7777), bytes(data), mtime=mtime)

    def add_symlink(self, path, target, mtime=0):
        self._add(path, stat.S_IFLNK | 0o777, target.encode(), mtime=mtime)

    def add_tree(self, top):
        """Everything under directory top, which becomes the archive's root."""
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            rel_dir = os.path.relpath(dirpath, top)
            names = sorted(dirnames + filenames)
            for name in names:
                full = os.path.join(dirpath, name)
                rel = name if rel_dir == "." else rel_dir + "/" + name
                st = os.lstat(full)
                mtime = int(st.st_mtime)
                if stat.S_ISLNK(st.st_mode):
                    self.add_symlink(rel, os.readlink(full), mtime=mtime)
                elif stat.S_ISDIR(st.st_mode):
                    self.add_dir(rel, st.st_mode, mtime=mtime)
                elif stat.S_ISREG(st.st_mode):
                    with open(full, "rb") as fh:
                        self.add_file(rel, fh.read(), st.st_mode, mtime=mtime)
                else:
                    raise CpioError("%s: not a directory, regular file or symlink" % full)
            # os.walk does not descend into symlinked directories: good.

    def add_char(self, path, major, minor, mode=0o600):
        self._add(path, stat.S_IFCHR | (mode & 0o7777), rdev=(major, minor))

    def finish(self):
        if not self._finished:
            self._emit(TRAILER, 0, nlink=1)
            self._finished = True
        return b"".join(self._chunks)


def read_newc(blob):
    """Parses a newc archive; returns the entries before the trailer.
    Raises CpioError on a malformed archive (bad magic, truncation)."""
    entries = []
    off = 0
    while True:
        header = blob[off:off + HEADER_SIZE]
        if len(header) < HEADER_SIZE:
            raise CpioError("truncated header at offset %d" % off)
        if header[:6] != MAGIC:
            raise CpioError("bad magic %r at offset %d" % (header[:6], off))
        try:
            f = dict(zip(FIELDS, (int(header[6 + 8 * i:14 + 8 * i], 16) for i in range(13))))
        except ValueError:
            raise CpioError("non-hex header field at offset %d" % off) from None
        name_start = off + HEADER_SIZE
        name_end = name_start + f["namesize"]
        if f["namesize"] == 0 or name_end > len(blob) or blob[name_end - 1] != 0:
            raise CpioError("bad name at offset %d" % off)
        name = blob[name_start:name_end - 1].decode()
        data_start = name_end + _pad4(HEADER_SIZE + f["namesize"])
        data_end = data_start + f["filesize"]
        if data_end > len(blob):
            raise CpioError("%s: data runs past the end of the archive" % name)
        if name == TRAILER:
            return entries
        entries.append(Entry(name, f["mode"], f["uid"], f["gid"], f["nlink"], f["mtime"],
                             f["rdevmajor"], f["rdevminor"], blob[data_start:data_end]))
        off = data_end + _pad4(f["filesize"])


def _split(spec, what):
    path, sep, value = spec.partition("=")
    if not sep or not path or not value:
        raise CpioError("--%s wants PATH=VALUE, got %r" % (what, spec))
    return path, value


def main(argv=None):
    ap = argparse.ArgumentParser(description="Write a newc cpio archive (e.g. an initramfs).")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--gzip", action="store_true", help="gzip the archive (mtime 0)")
    ap.add_argument("--tree", metavar="DIR", help="add everything under DIR as the root")
    ap.add_argument("--dir", action="append", default=[], metavar="PATH")
    ap.add_argument("--file", action="append", default=[], metavar="PATH=SRC[:MODE]")
    ap.add_argument("--char", action="append", default=[], metavar="PATH=MAJOR:MINOR")
    ap.add_argument("--symlink", action="append", default=[], metavar="PATH=TARGET")
    args = ap.parse_args(argv)
    w = CpioWriter()
    try:
        if args.tree:
            if not os.path.isdir(args.tree):
                raise CpioError("--tree %s: not a directory" % args.tree)
            w.add_tree(args.tree)
        for d in args.dir:
            w.add_dir(d)
        for spec in args.char:
            path, dev = _split(spec, "char")
            major, _, minor = dev.partition(":")
            w.add_char(path, int(major), int(minor or 0))
        for spec in args.file:
            path, src = _split(spec, "file")
            mode = 0o644
            if ":" in src:
                src, mode_text = src.rsplit(":", 1)
                mode = int(mode_text, 8)
            with open(src, "rb") as fh:
                w.add_file(path, fh.read(), mode)
        for spec in args.symlink:
            w.add_symlink(*_split(spec, "symlink"))
    except (CpioError, OSError, ValueError) as e:
        print("mkcpio: %s" % e, file=sys.stderr)
        return 1
    blob = w.finish()
    if args.gzip:
        blob = gzip.compress(blob, mtime=0)
    with open(args.output, "wb") as fh:
        fh.write(blob)
    return 0


if __name__ == "__main__":
    sys.exit(main())
