#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Writes the seed inputs of the `acpi` fuzz target to tests/fuzz/corpus/acpi/.

Input format (see tests/unit/test_acpi_fuzz.c): one flags byte, then an image
mapped at physical 0xE0000 with the RSDP at its start. Each seed is a small,
valid table set like QEMU's: pc (RSDT, FADT+DSDT with \\_S5, MADT, HPET), q35
(rev 2 RSDP, XSDT, adds MCFG) and a minimal MADT-only one. Run it from the
repository root after changing the layout; the files are committed.
"""
import os
import struct
import sys

BASE = 0xE0000


class Image:
    def __init__(self, size=1024):
        self.b = bytearray(size)

    def put(self, pa, data):
        off = pa - BASE
        self.b[off:off + len(data)] = data

    def seal(self, pa, length):
        off = pa - BASE
        struct.pack_into("<I", self.b, off + 4, length)
        self.b[off + 9] = 0
        self.b[off + 9] = (-sum(self.b[off:off + length])) & 0xFF


def header(sig, rev=1):
    return sig + b"\0\0\0\0" + bytes([rev, 0]) + b"KAALTS" + b"KAALSEED" + \
        struct.pack("<I", 1) + b"KAAL" + struct.pack("<I", 1)


def gas(space, width, addr):
    return struct.pack("<BBBBQ", space, width, 0, 1, addr)


def rsdp(img, rev, rsdt, xsdt):
    r = bytearray(b"RSD PTR " + b"\0" + b"KAALTS" + bytes([rev]) + struct.pack("<I", rsdt))
    r[8] = (-sum(r)) & 0xFF
    if rev >= 2:
        r += struct.pack("<IQ", 36, xsdt) + b"\0\0\0\0"
        r[32] = (-sum(r)) & 0xFF
    img.put(BASE, bytes(r))


def table(img, pa, sig, body, rev=1):
    img.put(pa, header(sig, rev) + body)
    img.seal(pa, 36 + len(body))


def madt(img, pa, cpus=2):
    body = struct.pack("<II", 0xFEE00000, 1)
    for i in range(cpus):
        body += struct.pack("<BBBBI", 0, 8, i, i, 1)
    body += struct.pack("<BBBBII", 1, 12, 0, 0, 0xFEC00000, 0)
    body += struct.pack("<BBBBIH", 2, 10, 0, 0, 2, 0)
    body += struct.pack("<BBBBIH", 2, 10, 0, 9, 9, 0x0D)
    table(img, pa, b"APIC", body)


def fadt(img, pa, dsdt):
    f = bytearray(244 - 36)
    def at(off, fmt, *v):
        struct.pack_into(fmt, f, off - 36, *v)
    at(40, "<I", dsdt)
    at(46, "<H", 9)
    at(56, "<I", 0x600)
    at(64, "<I", 0x604)
    at(76, "<I", 0x608)
    at(88, "<BBBB", 4, 2, 0, 4)
    at(112, "<I", 1 << 8)
    f[116 - 36:128 - 36] = gas(1, 8, 0xCF9)
    at(128, "<B", 6)
    at(140, "<Q", dsdt)
    f[172 - 36:184 - 36] = gas(1, 16, 0x604)
    table(img, pa, b"FACP", bytes(f), rev=3)


def dsdt(img, pa):
    aml = bytes([0x08]) + b"_S5_" + bytes([0x12, 0x06, 0x04, 0x0A, 0x05, 0x00, 0x00, 0x00])
    table(img, pa, b"DSDT", aml)


def hpet(img, pa):
    body = struct.pack("<I", 0x8086A201) + gas(0, 0, 0xFED00000) + struct.pack("<BHB", 0, 0x80, 0)
    table(img, pa, b"HPET", body)


def mcfg(img, pa):
    body = bytes(8) + struct.pack("<QHBBI", 0xB0000000, 0, 0, 255, 0)
    table(img, pa, b"MCFG", body)


def seed_pc():
    img = Image()
    rsdp(img, 0, 0xE0030, 0)
    table(img, 0xE0030, b"RSDT", struct.pack("<III", 0xE0080, 0xE0300, 0xE0380))
    fadt(img, 0xE0080, 0xE0200)
    dsdt(img, 0xE0200)
    madt(img, 0xE0300)
    hpet(img, 0xE0380)
    return bytes([0]) + bytes(img.b[:0x3C0 - 0x000 + 0x38])


def seed_q35():
    img = Image()
    rsdp(img, 2, 0xE0030, 0xE0058)
    table(img, 0xE0030, b"RSDT", b"")
    table(img, 0xE0058, b"XSDT", struct.pack("<QQQQ", 0xE00A0, 0xE0300, 0xE0380, 0xE03C0))
    fadt(img, 0xE00A0, 0xE0200)
    dsdt(img, 0xE0200)
    madt(img, 0xE0300, cpus=1)
    hpet(img, 0xE0380)
    mcfg(img, 0xE03C0)
    return bytes([2]) + bytes(img.b[:0x400])


def seed_minimal():
    img = Image(256)
    rsdp(img, 0, 0xE0020, 0)
    table(img, 0xE0020, b"RSDT", struct.pack("<I", 0xE0050))
    madt(img, 0xE0050, cpus=1)
    return bytes([1]) + bytes(img.b[:0xB0])


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = os.path.join(root, "tests", "fuzz", "corpus", "acpi")
    os.makedirs(out, exist_ok=True)
    for name, data in (("pc", seed_pc()), ("q35", seed_q35()), ("minimal", seed_minimal())):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        print("%s: %d bytes" % (name, len(data)), file=sys.stderr)


if __name__ == "__main__":
    main()
