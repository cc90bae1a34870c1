# SPDX-License-Identifier: BSD-2-Clause
"""Boot modules: one per distinct file, the component binaries in component
order and then the boot files, each with the size and CRC-32 init checks
before it uses the module (tools/mkimage packs them in this order)."""
import os
import zlib

from .model import Module


def pass_modules(system):
    mods = {}

    def module_for(path):
        key = os.path.realpath(path)
        if key not in mods:
            size, crc = 0, 0
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    data = f.read()
                size, crc = len(data), zlib.crc32(data)
            mods[key] = len(system.modules)
            system.modules.append(Module(os.path.basename(path), path, size, crc))
        return mods[key]

    for comp in system.components:
        comp.module = module_for(comp.binary)
    for comp in system.components:
        for f in comp.files:
            f.module = module_for(f.path)
