#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Build-time generator of a damaged rootfs archive for rootfs_bad.toml:

    make_bad_rootfs.py OUT

A newc archive (tools/mkcpio.py) with /etc and /etc/motd, then an entry
whose header magic is broken ("070799"), then more entries and the trailer.
The VFS server must report the damage at that entry's offset and keep
serving (tests/system/test_rootfs.py)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                                "tools"))
import mkcpio  # noqa: E402


def main():
    w = mkcpio.CpioWriter()
    w.add_file("etc/motd", b"kept: before the damage\n")
    good = len(b"".join(w._chunks))
    w.add_file("etc/lost", b"after the damage\n")
    w.add_file("etc/also-lost", b"x\n")
    blob = bytearray(w.finish())
    assert blob[good:good + 6] == b"070701"
    blob[good + 4:good + 6] = b"99"
    with open(sys.argv[1] + ".tmp", "wb") as f:
        f.write(blob)
    os.replace(sys.argv[1] + ".tmp", sys.argv[1])
    print("damaged header at byte %d" % good)
    return 0


if __name__ == "__main__":
    sys.exit(main())
