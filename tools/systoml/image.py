# SPDX-License-Identifier: BSD-2-Clause
"""The boot image is a list of multiboot modules, not an archive: QEMU's
`-initrd "a,b,c"` (and GRUB's module lines) pass several, and the KaaL kernel
maps modules 1..n read-only into the root task and lists them in the
bootinfo (include/kaal/bootinfo.h). The order is fixed:

    module 0   the root task (init)            -> run by the kernel
    module 1   the KSYS system description     -> bootinfo modules[0]
    module 2+i the binary of modules-table entry i -> bootinfo modules[1 + i]

init checks each component module against the size and CRC-32 the
description records, so a stale or swapped binary is refused by name."""
import os
import zlib

from . import binfmt


class ImageError(Exception):
    pass


def boot_modules(system, sysdesc_path, root_task):
    """Checks the compiled description on disk against the system and the
    binaries; returns the module paths in boot order."""
    problems = []
    try:
        with open(sysdesc_path, "rb") as f:
            blob = f.read()
        desc = binfmt.decode(blob)
    except (OSError, binfmt.FormatError) as e:
        raise ImageError("%s: not a usable system description: %s" % (sysdesc_path, e))
    if blob != binfmt.encode(system):
        problems.append("%s is stale: it does not match system.toml and the current binaries "
                        "(run sel4-compose build / systoml-compile again)" % sysdesc_path)
    paths = [root_task, sysdesc_path] + [m.path for m in system.modules]
    for path in paths:
        if not os.path.isfile(path):
            problems.append("%s: no such file" % path)
        if "," in path:
            problems.append("%s: a comma in a module path cannot be passed to QEMU's -initrd "
                            "(rename or move it)" % path)
    for entry, mod in zip(desc["modules"], system.modules):
        if os.path.isfile(mod.path):
            with open(mod.path, "rb") as f:
                data = f.read()
            if (len(data), zlib.crc32(data)) != (entry["size"], entry["crc32"]):
                problems.append("%s changed after the description was compiled" % mod.path)
    if problems:
        raise ImageError("\n".join(problems))
    return paths
