# SPDX-License-Identifier: BSD-2-Clause
"""Just enough ELF64 reading to check a component binary on the host: it
must be a little-endian x86_64 ET_EXEC, and we want its PT_LOAD ranges so
the compiler can refuse regions that would overlap the program. The guest
repeats the full check (runtime/elf/elf.c) when it loads the image."""
import struct


class ElfError(Exception):
    pass


def load_segments(data):
    """Returns [(vaddr, memsz), ...] of the PT_LOAD segments, page rounded."""
    if len(data) < 64 or data[:4] != b"\x7fELF":
        raise ElfError("not an ELF file (no \\x7fELF magic)")
    if data[4] != 2 or data[5] != 1:
        raise ElfError("not a 64-bit little-endian ELF file")
    e_type, e_machine = struct.unpack_from("<HH", data, 16)
    if e_type != 2:
        raise ElfError("not a static executable (ELF type %d, expected ET_EXEC)" % e_type)
    if e_machine != 62:
        raise ElfError("not an x86_64 ELF file (machine %d)" % e_machine)
    e_phoff, = struct.unpack_from("<Q", data, 32)
    e_phentsize, e_phnum = struct.unpack_from("<HH", data, 54)
    if e_phentsize != 56 or e_phoff + e_phnum * 56 > len(data):
        raise ElfError("program headers lie outside the file")
    segments = []
    for i in range(e_phnum):
        p_type, _flags, _off, vaddr, _paddr, _filesz, memsz, _align = \
            struct.unpack_from("<IIQQQQQQ", data, e_phoff + i * 56)
        if p_type == 1 and memsz:
            start = vaddr & ~0xFFF
            end = (vaddr + memsz + 0xFFF) & ~0xFFF
            segments.append((start, end - start))
    if not segments:
        raise ElfError("no loadable segment")
    return segments
