# SPDX-License-Identifier: BSD-2-Clause
"""Writes a minimal static x86_64 ELF executable (one PT_LOAD segment), so
the system.toml tests have real binaries to point at without building any."""
import struct


def fake_elf(vaddr=0x400000, memsz=0x2000, machine=62, etype=2):
    ehdr = (b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
            + struct.pack("<HHIQQQIHHHHHH", etype, machine, 1, vaddr, 64, 0, 0, 64, 56, 1,
                          64, 0, 0))
    phdr = struct.pack("<IIQQQQQQ", 1, 5, 0, vaddr, vaddr, 0x1000, memsz, 0x1000)
    data = ehdr + phdr
    return data + bytes(0x1000 - len(data))


def write_fake_elf(path, **kw):
    with open(path, "wb") as f:
        f.write(fake_elf(**kw))
